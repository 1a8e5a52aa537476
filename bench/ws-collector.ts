import { createServer, type Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { MAX_FRAME_BYTES, STREAM_PATH } from "../sdk/protocol.js";
import type { SiteConfig } from "../collector/config.js";
import { Metrics } from "../collector/metrics.js";
import type { Store } from "../collector/store/types.js";
import { createStreamCore, type StreamLimits, type StreamSocketData } from "../collector/stream/stream-core.js";
import type { TokenService } from "../collector/token.js";

/**
 * The collector's stream, unchanged (collector/stream/stream-core.ts), served the way most teams
 * would: Node's `http` server and the `ws` package with its defaults (no compression). Only for the
 * ingest benchmark's side-by-side run.
 */
export async function startWsCollector(deps: { store: Store; tokens: TokenService; sites: ReadonlyMap<string, SiteConfig>; limits: StreamLimits; log: (line: string) => void }): Promise<{ port: number; close(): Promise<void> }> {
  const socketData = new WeakMap<WebSocket, StreamSocketData>();
  const core = createStreamCore<WebSocket>(
    { ...deps, trustedProxies: new Set(), metrics: new Metrics() },
    {
      data: (ws) => socketData.get(ws)!,
      send: (ws, bytes) => ws.send(bytes),
      end: (ws, code, reason) => ws.close(code, reason),
    },
  );
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on("upgrade", (req, socket, head) => {
    const [path, query = ""] = (req.url ?? "").split("?", 2) as [string, string?];
    if (path !== STREAM_PATH) return void socket.destroy();
    const check = core.upgrade({ query, origin: req.headers.origin ?? "", remoteIp: req.socket.remoteAddress ?? "", forwardedFor: undefined });
    if (!check.ok) {
      const reason = { 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests" }[check.status];
      const retryAfter = check.retryAfterSeconds === undefined ? "" : `retry-after: ${check.retryAfterSeconds}\r\n`;
      socket.end(`HTTP/1.1 ${check.status} ${reason}\r\nconnection: close\r\n${retryAfter}\r\n${check.message}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      socketData.set(ws, check.data);
      ws.on("message", (data: Buffer) => core.message(ws, data));
      ws.on("close", () => core.close(ws));
      ws.on("error", () => ws.terminate());
      core.open(ws);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
