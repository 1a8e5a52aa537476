import { unpack } from "msgpackr";
import WebSocket from "ws";
import type { ServerFrame } from "../../sdk/protocol.js";

/** A raw stream client that can send anything and says how its socket ended. */
export interface HostileSocket {
  socket: WebSocket;
  frames: ServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  /** Waits until `count` frames have arrived (or the socket closed, or `timeoutMs` passed). */
  waitFrames(count: number, timeoutMs?: number): Promise<ServerFrame[]>;
}

export type Upgrade = { ok: true; client: HostileSocket } | { ok: false; status: number; retryAfter: string | undefined; body: string };

/** Opens the stream as a page of `origin` behind the address `ip` (sent as X-Forwarded-For; the collector trusts 127.0.0.1). */
export function openStream(url: string, options: { siteKey: string; origin?: string; ip: string }): Promise<Upgrade> {
  const headers = { "x-forwarded-for": options.ip };
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/v1/stream?k=${encodeURIComponent(options.siteKey)}`, {
    headers,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    maxPayload: 1024 * 1024,
  });
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  socket.on("message", (data: Buffer) => {
    frames.push(unpack(data) as ServerFrame);
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => {
      wake();
      resolve({ code, reason: reason.toString() });
    }),
  );
  socket.on("error", () => {});
  const client: HostileSocket = {
    socket,
    frames,
    closed,
    isOpen: () => socket.readyState === WebSocket.OPEN,
    async waitFrames(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (frames.length < count && socket.readyState === WebSocket.OPEN && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            resolve();
          };
          waiters.add(done);
          setTimeout(done, 50);
        });
      }
      return frames;
    },
  };
  return new Promise((resolve) => {
    socket.once("open", () => resolve({ ok: true, client }));
    socket.once("unexpected-response", (req, res) => {
      let body = "";
      const tcp = res.socket;
      const done = () => {
        // ws leaves the connection open once someone listens for this event.
        req.destroy();
        tcp?.destroy();
        resolve({ ok: false, status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body });
      };
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", done);
      res.on("error", done);
    });
    socket.once("error", (err) => resolve({ ok: false, status: 0, retryAfter: undefined, body: String(err) }));
  });
}

export async function mustOpen(url: string, options: { siteKey: string; origin?: string; ip: string }): Promise<HostileSocket> {
  const upgrade = await openStream(url, options);
  if (!upgrade.ok) throw new Error(`upgrade refused: ${upgrade.status} ${upgrade.body}`);
  return upgrade.client;
}
