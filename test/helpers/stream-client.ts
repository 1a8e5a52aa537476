import { pack, unpack } from "msgpackr";
import WebSocket from "ws";
import type { ClientFrame, ServerFrame } from "../../sdk/protocol.js";

/** A scripted stand-in for the browser script's stream, over a real WebSocket. */
export class StreamClient {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      this.frames.push(unpack(data) as ServerFrame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(collectorUrl: string, siteKey: string, origin: string, sid?: string): Promise<StreamClient> {
    const url = `${collectorUrl.replace(/^http/, "ws")}/v1/stream?k=${encodeURIComponent(siteKey)}${sid ? `&sid=${sid}` : ""}`;
    const socket = new WebSocket(url, { origin });
    return new Promise((resolve, reject) => {
      const client = new StreamClient(socket);
      socket.once("open", () => resolve(client));
      socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once("error", reject);
    });
  }

  send(frame: ClientFrame | unknown): void {
    this.socket.send(pack(frame));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes);
  }

  /** Resolves with the first received frame (from `fromIndex` on) matching `test`. */
  async next<T extends ServerFrame["t"]>(type: T, fromIndex = 0, timeoutMs = 5000): Promise<Extract<ServerFrame, { t: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(fromIndex).find((f) => f.t === type);
      if (found) return found as Extract<ServerFrame, { t: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
