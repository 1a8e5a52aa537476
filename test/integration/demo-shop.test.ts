// The demo shop on its own, against a tiny fake assess endpoint. The real collector path is
// covered end to end elsewhere; here we check what the shop sends and how it renders answers.

import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CATALOGUE, formatSek } from "../../demo-shop/catalogue.js";
import { startDemoShop, type DemoShop } from "../../demo-shop/server.js";

const COLLECTOR_URL = "http://127.0.0.1:8787";
const SITE_KEY = "pk_test_shop";
const SECRET_KEY = "sk_test_shop_secret";
const EXPECTED_CSP =
  "default-src 'self'; script-src 'self' http://127.0.0.1:8787; connect-src 'self' http://127.0.0.1:8787 ws://127.0.0.1:8787; " +
  "style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

let fake: Server;
let fakeUrl: string;
let recorded: Recorded[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };

let shop: DemoShop;
let downShop: DemoShop;
const logLines: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function answer(decision: string, extra: Record<string, unknown> = {}): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      id: `att_${decision}1`,
      orderId: "echo",
      decision,
      score: 42,
      token: { status: "valid" },
      reasons: [{ rule: "device_identities", severity: "high", detail: "4 e-mail addresses on this device" }],
      matrix: [],
      device: { id: "dev_1", firstSeen: "2026-11-20T10:00:00Z", attempts: 3 },
      shadow: [],
      ...extra,
    },
  };
}

const VALID_FORM = {
  sku: "IP15",
  quantity: "2",
  name: "Anna Berg",
  email: "Anna.Berg@Example.com",
  phone: "+46701234567",
  line1: "Storgatan 1",
  postalCode: "111 22",
  city: "Stockholm",
  country: "SE",
  vakt_token: "eyJhbGciOiJFZERTQSJ9.e30.sig",
};

function postOrder(base: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${base}/order`, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

beforeAll(async () => {
  fake = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      recorded.push({
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>,
      });
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  fakeUrl = await listen(fake);

  shop = await startDemoShop({
    port: 0,
    collectorUrl: COLLECTOR_URL,
    assessUrl: fakeUrl,
    siteKey: SITE_KEY,
    secretKey: SECRET_KEY,
    log: (line) => logLines.push(line),
  });

  // A collector that is down: a port that was just free and is closed again.
  const gone = createServer();
  const goneUrl = await listen(gone);
  await close(gone);
  downShop = await startDemoShop({
    port: 0,
    collectorUrl: COLLECTOR_URL,
    assessUrl: goneUrl,
    siteKey: SITE_KEY,
    secretKey: SECRET_KEY,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await Promise.all([shop?.close(), downShop?.close(), fake && close(fake)]);
});

beforeEach(() => {
  recorded = [];
  logLines.length = 0;
  reply = answer("allow");
});

describe("catalogue and checkout pages", () => {
  it("lists every product with its price and a checkout link", async () => {
    const response = await fetch(`${shop.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(EXPECTED_CSP);
    const page = await response.text();
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(6);
    for (const product of CATALOGUE) {
      expect(page).toContain(`href="/checkout?sku=${encodeURIComponent(product.sku)}"`);
      expect(page).toContain(formatSek(product.unitPrice));
    }
    expect(page).toContain("iPhone 15");
    expect(formatSek(1_299_000)).toBe("12\u00a0990\u00a0kr");
  });

  it("serves the checkout form with data-vakt, the script tag and a strict CSP", async () => {
    const response = await fetch(`${shop.url}/checkout?sku=IP15&qty=3`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(EXPECTED_CSP);
    const page = await response.text();
    expect(page).toContain('<form data-vakt method="post" action="/order"');
    expect(page).toContain(`<script src="${COLLECTOR_URL}/v1/vakt.js" data-site-key="${SITE_KEY}" async></script>`);
    expect(page).toMatch(/<input id="name" name="name" type="text" autocomplete="name"/);
    expect(page).toMatch(/<input id="email" name="email" type="email" autocomplete="email"/);
    expect(page).toMatch(/<input id="phone" name="phone" type="tel" autocomplete="tel"/);
    expect(page).toMatch(/name="line1" type="text" autocomplete="address-line1"/);
    expect(page).toMatch(/name="postalCode" type="text" autocomplete="postal-code"/);
    expect(page).toMatch(/name="city" type="text" autocomplete="address-level2"/);
    expect(page).toContain('<option value="SE" selected>Sweden</option>');
    expect(page).toContain('<input type="hidden" name="sku" value="IP15">');
    expect(page).toMatch(/name="quantity" type="number"[^>]*value="3"/);
    expect(page).toContain('<button type="submit" id="place-order">Place order</button>');
    for (const id of ["name", "email", "phone", "line1", "postalCode", "city", "country", "quantity"]) {
      expect(page).toContain(`<label for="${id}">`);
    }
    expect(page).not.toMatch(/style=|<style/);
  });

  it("answers 404 for an unknown product and an unknown path, 405 for other methods", async () => {
    const unknown = await fetch(`${shop.url}/checkout?sku=NOPE`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-security-policy")).toBe(EXPECTED_CSP);
    expect((await fetch(`${shop.url}/admin`)).status).toBe(404);
    const put = await fetch(`${shop.url}/`, { method: "PUT" });
    expect(put.status).toBe(405);
    expect((await fetch(`${shop.url}/order`)).status).toBe(405);
  });

  it("serves the stylesheet and the health check", async () => {
    const css = await fetch(`${shop.url}/shop.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await css.text()).length).toBeGreaterThan(100);
    const health = await fetch(`${shop.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });
});

describe("POST /order", () => {
  it("sends the secret key, token, ip and a well-formed order to /v1/assess", async () => {
    const response = await postOrder(shop.url, VALID_FORM);
    expect(response.status).toBe(200);
    expect(recorded).toHaveLength(1);
    const call = recorded[0]!;
    expect(call.method).toBe("POST");
    expect(call.url).toBe("/v1/assess");
    expect(call.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(call.contentType).toBe("application/json");
    expect(call.body.token).toBe(VALID_FORM.vakt_token);
    expect(call.body.ip).toBe("127.0.0.1");

    const order = call.body.order as Record<string, unknown>;
    const address = { name: "Anna Berg", line1: "Storgatan 1", postalCode: "111 22", city: "Stockholm", country: "SE" };
    expect(order).toEqual({
      id: expect.stringMatching(/^ord_[0-9a-f]{16}$/),
      amount: 1_299_000 * 2,
      currency: "SEK",
      email: "Anna.Berg@Example.com",
      phone: "+46701234567",
      customer: { id: expect.stringMatching(/^c_[0-9a-f]{16}$/), name: "Anna Berg" },
      billing: address,
      shipping: address,
      items: [{ sku: "IP15", name: "iPhone 15", category: "electronics", quantity: 2, unitPrice: 1_299_000 }],
    });

    const page = await response.text();
    expect(page).toContain(`data-order="${order.id as string}"`);
    expect(response.headers.get("content-security-policy")).toBe(EXPECTED_CSP);
  });

  it("derives one customer id per e-mail, ignoring case, and omits an empty token and phone", async () => {
    await postOrder(shop.url, VALID_FORM);
    await postOrder(shop.url, { ...VALID_FORM, email: "anna.berg@example.com", vakt_token: "", phone: "" });
    expect(recorded).toHaveLength(2);
    const [first, second] = recorded.map((call) => call.body);
    const customerOf = (body: Record<string, unknown> | undefined): unknown =>
      ((body?.order as Record<string, unknown>).customer as Record<string, unknown>).id;
    expect(customerOf(first)).toBe(customerOf(second));
    expect(second).not.toHaveProperty("token");
    expect(second?.order).not.toHaveProperty("phone");
    expect((first?.order as Record<string, unknown>).id).not.toBe((second?.order as Record<string, unknown>).id);
  });

  it.each([
    ["allow", "Order confirmed"],
    ["challenge", "We need to verify you"],
    ["review", "Your order is under review"],
    ["deny", "We could not accept this order"],
  ])("renders the %s decision", async (decision, title) => {
    reply = answer(decision);
    const response = await postOrder(shop.url, VALID_FORM);
    expect(response.status).toBe(200);
    const page = await response.text();
    const orderId = (recorded[0]!.body.order as Record<string, unknown>).id as string;
    const main = page.match(/<main id="result"[^>]*>/)?.[0] ?? "";
    expect(main).toContain(`data-decision="${decision}"`);
    expect(main).toContain(`data-attempt="att_${decision}1"`);
    expect(main).toContain(`data-order="${orderId}"`);
    expect(main).toContain('data-token-status="valid"');
    expect(page).toContain(`<h1>${title}</h1>`);
    expect(page).toContain('<details class="demo-debug">');
    expect(page).toContain("<summary>Why (demo only)</summary>");
    expect(page).toContain(
      '<li class="reason" data-rule="device_identities" data-severity="high">',
    );
    if (decision === "challenge") expect(page).toContain("one-time code");
    expect(logLines.some((line) => line.includes(orderId) && line.includes(decision))).toBe(true);
  });

  it("re-renders the form with an error and does not call assess when a field is missing", async () => {
    const { city: _city, ...withoutCity } = VALID_FORM;
    const response = await postOrder(shop.url, { ...withoutCity, email: "not-an-email" });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('<form data-vakt method="post" action="/order"');
    expect(page).toContain("City is required.");
    expect(page).toContain("E-mail does not look like an e-mail address.");
    expect(page).toContain('value="Anna Berg"');
    expect(page).toContain(`data-site-key="${SITE_KEY}"`);
    expect(recorded).toHaveLength(0);
  });

  it("rejects a quantity outside 1..99 and an unknown product without calling assess", async () => {
    const zero = await postOrder(shop.url, { ...VALID_FORM, quantity: "0" });
    expect(zero.status).toBe(422);
    expect(await zero.text()).toContain("Quantity must be a whole number from 1 to 99.");
    expect((await postOrder(shop.url, { ...VALID_FORM, quantity: "100" })).status).toBe(422);
    expect((await postOrder(shop.url, { ...VALID_FORM, sku: "NOPE" })).status).toBe(400);
    expect(recorded).toHaveLength(0);
  });

  it("answers 413 to a body over 32 KB, declared or streamed", async () => {
    const big = await postOrder(shop.url, { ...VALID_FORM, line1: "x".repeat(40 * 1024) });
    expect(big.status).toBe(413);

    const streamedStatus = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${shop.url}/order`);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 5; i++) req.write(`line1=${"y".repeat(10 * 1024)}&`);
      req.end();
    });
    expect(streamedStatus).toBe(413);
    expect(recorded).toHaveLength(0);
  });

  it("keeps the order when the collector is down", async () => {
    const response = await postOrder(downShop.url, VALID_FORM);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("Order received — we&#39;ll confirm it shortly");
    const main = page.match(/<main id="result"[^>]*>/)?.[0] ?? "";
    expect(main).toContain('data-decision="error"');
    expect(main).toMatch(/data-order="ord_[0-9a-f]{16}"/);
    expect(main).not.toContain("data-attempt");
    expect(logLines.some((line) => line.includes("collector unreachable"))).toBe(true);
  });

  it("keeps the order when the collector answers an error", async () => {
    reply = { status: 500, body: { error: "internal", message: "boom" } };
    const response = await postOrder(shop.url, VALID_FORM);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('data-decision="error"');
    expect(logLines.some((line) => line.includes("HTTP 500"))).toBe(true);
  });

  it("escapes what the shopper typed and what the collector answered", async () => {
    const evil = "<script>alert(1)</script>";
    reply = answer("allow", {
      reasons: [{ rule: 'x"><b>', severity: "high", detail: "<img src=x onerror=alert(1)>" }],
    });
    const response = await postOrder(shop.url, { ...VALID_FORM, name: evil });
    const page = await response.text();
    expect(page).toContain("Thank you, &lt;script&gt;alert(1)&lt;/script&gt;!");
    expect(page).not.toContain(evil);
    expect(page).not.toContain("<img src=x");
    expect(page).toContain('data-rule="x&quot;&gt;&lt;b&gt;"');
    expect((recorded[0]!.body.order as Record<string, unknown>).customer).toMatchObject({ name: evil });

    const invalid = await postOrder(shop.url, { ...VALID_FORM, name: evil, city: "" });
    const form = await invalid.text();
    expect(form).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(form).not.toContain(evil);
  });
});
