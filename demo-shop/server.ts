// The demo shop: a small node:http server whose checkout uses Vakt as a merchant would.
// It is a customer of the collector's script and API; nothing in Vakt imports it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { findProduct } from "./catalogue.js";
import type { AssessOutcome } from "./pages.js";
import { challengeTicket, currentDecision, RecentOrders } from "./challenge.js";
import { assessOrder, buildOrder, collectorCall, newOrderId, parseCheckout, type CollectorCall } from "./order.js";
import { cataloguePage, checkoutPage, EMPTY_CHECKOUT, inboxPage, messagePage, resultPage, type InboxMessage, type PlacedOrder } from "./pages.js";
import { SHOP_CSS } from "./styles.js";

export interface DemoShopOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = an ephemeral port. */
  port: number;
  /** The collector as the shopper's browser reaches it, e.g. http://127.0.0.1:8787. */
  collectorUrl: string;
  /** The collector as this server reaches it; defaults to collectorUrl. */
  assessUrl?: string;
  siteKey: string;
  secretKey: string;
  log?: (line: string) => void;
  /** The collector's demo outbox (config `notify.outbox`), shown at /demo/inbox. */
  inbox?: () => readonly InboxMessage[];
}

export interface DemoShop {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024;
const ASSESS_TIMEOUT_MS = 5000;

/** The methods each path answers; HEAD is accepted wherever GET is. */
const ROUTES: Record<string, readonly string[]> = {
  "/": ["GET"],
  "/checkout": ["GET"],
  "/order": ["POST"],
  "/order/status": ["GET"],
  "/demo/inbox": ["GET"],
  "/shop.css": ["GET"],
  "/healthz": ["GET"],
};

interface Context {
  scriptBase: string;
  assessUrl: string;
  siteKey: string;
  secretKey: string;
  htmlHeaders: Record<string, string>;
  log: (line: string) => void;
  collector: CollectorCall;
  orders: RecentOrders;
  inbox: (() => readonly InboxMessage[]) | undefined;
}

export async function startDemoShop(options: DemoShopOptions): Promise<DemoShop> {
  const host = options.host ?? "127.0.0.1";
  const collector = new URL(options.collectorUrl);
  if (collector.protocol !== "http:" && collector.protocol !== "https:") {
    throw new Error(`collectorUrl must be an http(s) URL, got ${options.collectorUrl}`);
  }
  const wsOrigin = `${collector.protocol === "https:" ? "wss:" : "ws:"}//${collector.host}`;
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${collector.origin}`,
    `connect-src 'self' ${collector.origin} ${wsOrigin}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");

  const ctx: Context = {
    scriptBase: stripTrailingSlash(options.collectorUrl),
    assessUrl: stripTrailingSlash(options.assessUrl ?? options.collectorUrl),
    siteKey: options.siteKey,
    secretKey: options.secretKey,
    htmlHeaders: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "cache-control": "no-store",
    },
    log: options.log ?? (() => {}),
    collector: collectorCall(stripTrailingSlash(options.assessUrl ?? options.collectorUrl), options.secretKey, ASSESS_TIMEOUT_MS),
    orders: new RecentOrders(),
    inbox: options.inbox,
  };

  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      ctx.log(`demo-shop: ${req.method} ${req.url} failed: ${String(error)}`);
      if (!res.headersSent) {
        sendHtml(ctx, res, 500, messagePage("error", "Something went wrong", "Please try again in a moment."));
      } else {
        res.destroy();
      }
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await listen(server, options.port, host);
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? "/";
  const queryAt = rawUrl.indexOf("?");
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? "" : rawUrl.slice(queryAt + 1));
  const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");

  const allowed = ROUTES[path];
  if (!allowed) {
    sendHtml(ctx, res, 404, messagePage("not-found", "Page not found", "There is no page at this address."));
    return;
  }
  if (!allowed.includes(method)) {
    const allow = allowed.includes("GET") ? [...allowed, "HEAD"] : allowed;
    res.setHeader("allow", allow.join(", "));
    sendHtml(ctx, res, 405, messagePage("not-allowed", "Method not allowed", `Use ${allowed.join(" or ")} here.`));
    return;
  }

  switch (path) {
    case "/":
      sendHtml(ctx, res, 200, cataloguePage());
      return;
    case "/checkout":
      showCheckout(ctx, res, query);
      return;
    case "/order":
      await placeOrder(ctx, req, res);
      return;
    case "/order/status":
      await showOrderStatus(ctx, res, query.get("id") ?? "");
      return;
    case "/demo/inbox":
      sendHtml(ctx, res, ctx.inbox ? 200 : 404, inboxPage(ctx.inbox?.()));
      return;
    case "/shop.css":
      send(res, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }, SHOP_CSS);
      return;
    case "/healthz":
      send(res, 200, { "content-type": "application/json", "cache-control": "no-store" }, '{"ok":true}');
      return;
  }
}

function showCheckout(ctx: Context, res: ServerResponse, query: URLSearchParams): void {
  const product = findProduct(query.get("sku") ?? "");
  if (!product) {
    sendHtml(ctx, res, 404, messagePage("not-found", "Product not found", "We do not sell that product."));
    return;
  }
  const qty = query.get("qty") ?? "";
  const quantity = /^\d{1,2}$/.test(qty) && Number(qty) >= 1 ? String(Number(qty)) : "1";
  sendHtml(ctx, res, 200, checkoutPage({ ...pageKeys(ctx), product, values: { ...EMPTY_CHECKOUT, quantity }, errors: [] }));
}

async function placeOrder(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Copy what we need from the request before any await.
  const ip = clientIp(req);
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const declaredLength = Number(req.headers["content-length"] ?? "0");

  if (contentType !== "application/x-www-form-urlencoded") {
    req.resume();
    sendHtml(ctx, res, 415, messagePage("error", "Unsupported form", "Please submit the checkout form."));
    return;
  }
  if (declaredLength > MAX_BODY_BYTES) {
    tooLarge(ctx, req, res);
    return;
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === null) {
    tooLarge(ctx, req, res);
    return;
  }

  const parsed = parseCheckout(new URLSearchParams(body.toString("utf8")));
  if (parsed.kind === "unknown_product") {
    sendHtml(ctx, res, 400, messagePage("not-found", "Product not found", "The product in this order is not in our catalogue."));
    return;
  }
  if (parsed.kind === "invalid") {
    sendHtml(ctx, res, 422, checkoutPage({ ...pageKeys(ctx), ...parsed }));
    return;
  }

  const order = buildOrder(newOrderId(), parsed.product, parsed.values, parsed.quantity);
  const outcome = await assessOrder({
    assessUrl: ctx.assessUrl,
    secretKey: ctx.secretKey,
    token: parsed.token,
    ip,
    order,
    timeoutMs: ASSESS_TIMEOUT_MS,
  });
  // Fail-open: if the collector cannot be reached or answers an error, the demo keeps the
  // order and says it will confirm later. A real shop picks its own policy (fail-open,
  // hold for manual review, or fail-closed) and would re-assess such orders afterwards.
  if (outcome.kind === "error") {
    ctx.log(`demo-shop: order ${order.id}: ${outcome.message}; accepted without a check`);
  } else {
    const { answer } = outcome;
    ctx.log(
      `demo-shop: order ${order.id} ${parsed.quantity}x${parsed.product.sku} → ${answer.decision} (${answer.id}, token ${answer.token?.status ?? "?"})`,
    );
  }
  const placed: PlacedOrder = {
    id: order.id,
    product: parsed.product,
    quantity: parsed.quantity,
    amount: order.amount,
    name: parsed.values.name,
    email: parsed.values.email,
  };
  if (outcome.kind === "assessed") ctx.orders.remember({ placed, attemptId: outcome.answer.id });
  sendHtml(ctx, res, 200, await resultWithChallenge(ctx, placed, outcome));
}

/** The result page; for `challenge`, with the step-up widget, whose ticket the shop asks the collector for. */
async function resultWithChallenge(ctx: Context, placed: PlacedOrder, outcome: AssessOutcome): Promise<string> {
  if (outcome.kind !== "assessed" || outcome.answer.decision !== "challenge") return resultPage(placed, outcome);
  const ticket = await challengeTicket(ctx.collector, outcome.answer.id);
  return resultPage(placed, outcome, {
    ...pageKeys(ctx),
    ticket,
    returnUrl: `/order/status?id=${encodeURIComponent(placed.id)}`,
    hasInbox: ctx.inbox !== undefined,
  });
}

/** Where the widget sends the shopper when the challenge ends: the decision read back from the collector. */
async function showOrderStatus(ctx: Context, res: ServerResponse, orderId: string): Promise<void> {
  const order = ctx.orders.get(orderId);
  if (!order) {
    sendHtml(ctx, res, 404, messagePage("not-found", "Order not found", "We have no order with that number."));
    return;
  }
  const answer = await currentDecision(ctx.collector, order.attemptId);
  if (!answer) {
    sendHtml(ctx, res, 503, messagePage("error", "Please try again", "We could not look up your order just now."));
    return;
  }
  ctx.log(`demo-shop: order ${orderId} is now ${answer.decision} (${order.attemptId})`);
  sendHtml(ctx, res, 200, await resultWithChallenge(ctx, order.placed, { kind: "assessed", answer }));
}

function pageKeys(ctx: Context): { collectorUrl: string; siteKey: string } {
  return { collectorUrl: ctx.scriptBase, siteKey: ctx.siteKey };
}

function tooLarge(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  // Drain what is still coming (the connection closes after the answer) so that the client
  // reads the 413 instead of a reset.
  req.resume();
  res.setHeader("connection", "close");
  sendHtml(ctx, res, 413, messagePage("error", "Order too large", "The form sent more data than we accept."));
}

/** The body, or null once it exceeds maxBytes (the rest is then discarded). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | null): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        settle(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => settle(Buffer.concat(chunks)));
    req.on("error", (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    req.on("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error("request closed before its body was read"));
    });
  });
}

function clientIp(req: IncomingMessage): string | undefined {
  const address = req.socket.remoteAddress;
  if (!address) return undefined;
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function sendHtml(ctx: Context, res: ServerResponse, status: number, body: string): void {
  send(res, status, ctx.htmlHeaders, body);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
