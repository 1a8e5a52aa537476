import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { freePort } from "./stack.js";

export interface PageServer {
  url: string;
  port: number;
  /** Bodies posted to /order, parsed. */
  orders: URLSearchParams[];
  /** Paths requested, in order (without the query). */
  requests: string[];
  close(): Promise<void>;
}

export interface PageServerOptions {
  /** The port to listen on (the collector must list this origin before the server starts). */
  port?: number;
  /** HTML served at each path. */
  pages: Record<string, string>;
  /** Headers on every page, e.g. a Content-Security-Policy. */
  headers?: Record<string, string>;
  /**
   * Serve the built script at /v1/vakt.js and refuse the rest of /v1 (WebSocket upgrades are cut,
   * /v1/collect answers 503): a collector that is down after the script loaded from it.
   */
  isDownCollector?: boolean;
}

const SCRIPT = new URL("../../dist/public/vakt.js", import.meta.url);

/** A small site for end-to-end pages: given HTML, a form target at /order, optionally a collector that is down. */
export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const orders: URLSearchParams[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push(path);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (path === "/order" && req.method === "POST") {
        orders.push(new URLSearchParams(Buffer.concat(chunks).toString()));
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...options.headers });
        res.end(`<!doctype html><title>Thanks</title><main id="placed">order ${orders.length}</main>`);
      } else if (options.isDownCollector && path === "/v1/vakt.js") {
        res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
        res.end(readFileSync(SCRIPT));
      } else if (options.isDownCollector && path.startsWith("/v1/")) {
        res.writeHead(503, { "content-type": "text/plain" });
        res.end("down");
      } else if (options.pages[path] !== undefined) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...options.headers });
        res.end(options.pages[path]);
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
      }
    });
  });
  // A WebSocket upgrade to a collector that is down: cut at once.
  server.on("upgrade", (_req, socket) => socket.destroy());
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    orders,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
