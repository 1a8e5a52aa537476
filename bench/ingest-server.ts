import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import uWS from "uWebSockets.js";
import { STREAM_PATH } from "../sdk/protocol.js";
import { parseConfig } from "../collector/config.js";
import { startCollector } from "../collector/main.js";
import { decodeFrame, encodeFrame } from "../collector/protocol/codec.js";
import { openStore } from "../collector/store/open.js";
import { STREAM_SOCKET_LIMITS } from "../collector/stream/stream.js";
import { TokenService } from "../collector/token.js";
import { startWsCollector } from "./ws-collector.js";

/**
 * One stream server of the ingest and memory benchmarks, in a process of its own so that its CPU and
 * RSS are its own. `node ingest-server.js collector|bare|ws` answers on IPC: `{ port }` once
 * listening; then `stats` → `{ rss, heapUsed, cpuMicros }` (after a GC when run with --expose-gc)
 * and `stop` → closes everything and exits.
 */
export type ServerKind = "collector" | "bare" | "ws";
export const BENCH_SITE_KEY = "pk_bench_stream";
export const BENCH_ORIGIN = "http://shop.bench.test";

/** A token frame as long as the collector's, for the bare server's replies. */
const FAKE_TOKEN_FRAME = encodeFrame({ t: "token", sid: `ses_${"x".repeat(24)}`, token: `eyJ${"x".repeat(400)}`, ttlMs: 600_000 });

/**
 * The ceiling: uWS with the same limits, decoding every frame with the collector's msgpackr options,
 * replying where the collector does: a token on open, on each token request and on a socket's first
 * visitor id (the collector's token for a new device).
 */
function startBare(): Promise<{ port: number; close(): Promise<void> }> {
  const app = uWS.App().ws<{ hasDevice: boolean }>(STREAM_PATH, {
    ...STREAM_SOCKET_LIMITS,
    upgrade: (res, req, context) =>
      res.upgrade({ hasDevice: false }, req.getHeader("sec-websocket-key"), req.getHeader("sec-websocket-protocol"), req.getHeader("sec-websocket-extensions"), context),
    open: (ws) => void ws.send(FAKE_TOKEN_FRAME, true),
    message: (ws, message) => {
      let frame: { t?: unknown; d?: { visitorId?: unknown } } | undefined;
      try {
        frame = decodeFrame(new Uint8Array(message)) as typeof frame;
      } catch {
        return;
      }
      const data = ws.getUserData();
      if (frame?.t === "token") ws.send(FAKE_TOKEN_FRAME, true);
      else if (frame?.t === "signals" && frame.d?.visitorId && !data.hasDevice) {
        data.hasDevice = true;
        ws.send(FAKE_TOKEN_FRAME, true);
      }
    },
  });
  return new Promise((resolve, reject) =>
    app.listen("127.0.0.1", 0, (socket) => {
      if (!socket) return reject(new Error("bare uWS could not listen"));
      resolve({ port: uWS.us_socket_local_port(socket), close: async () => uWS.us_listen_socket_close(socket) });
    }),
  );
}

async function start(kind: ServerKind, dataDir: string): Promise<{ port: number; close(): Promise<void> }> {
  if (kind === "bare") return startBare();
  const config = await parseConfig({
    listen: { host: "127.0.0.1", port: 0 },
    store: { kind: "lmdb", path: dataDir },
    sites: [{ siteKey: BENCH_SITE_KEY, secretKey: "sk_bench_stream_secret", origins: [BENCH_ORIGIN] }],
    // Every stream of the benchmark comes from 127.0.0.1: per-address limits as for a collector behind a proxy that sends many shoppers.
    rateLimits: {
      streamConnectionsPerIp: 1_000_000,
      streamOpensPerIp: { perSecond: 1_000_000, burst: 10_000_000 },
      streamFramesPerIp: { perSecond: 1_000_000, burst: 10_000_000 },
    },
  });
  if (kind === "collector") return startCollector(config, { log: () => {} });
  const store = openStore(config.store);
  const tokens = await TokenService.open(store, { issuer: config.publicUrl, ttlSeconds: config.token.ttlSeconds });
  const { streamConnectionsPerIp, streamOpensPerIp, streamFramesPerIp } = config.rateLimits;
  const limits = { connectionsPerIp: streamConnectionsPerIp, opensPerIp: streamOpensPerIp, framesPerIp: streamFramesPerIp };
  const server = await startWsCollector({ store, tokens, sites: new Map(config.sites.map((site) => [site.siteKey, site])), limits, log: () => {} });
  return { port: server.port, close: async () => (await server.close(), await store.close()) };
}

if (process.send) {
  const kind = process.argv[2] as ServerKind;
  const dataDir = mkdtempSync(join(tmpdir(), "vakt-bench-ingest-"));
  const cleanUp = () => rmSync(dataDir, { recursive: true, force: true });
  process.on("exit", cleanUp);
  start(kind, dataDir).then(
    (server) => {
      process.on("message", (message: string) => {
        if (message === "stats") {
          (globalThis as { gc?: () => void }).gc?.();
          const { rss, heapUsed } = process.memoryUsage();
          const cpu = process.cpuUsage();
          process.send!({ stats: { rss, heapUsed, cpuMicros: cpu.user + cpu.system } });
        } else if (message === "stop") {
          server.close().finally(() => process.exit(0));
        }
      });
      process.send!({ port: server.port });
    },
    (err: unknown) => {
      process.send!({ error: String(err) });
      process.exit(1);
    },
  );
}
