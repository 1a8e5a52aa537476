import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";

/**
 * The load generator's HTTP/1.1 client: keep-alive connections, one request at a time on each (no
 * pipelining), at most `maxSockets`, requests queued while all are busy: what node's `http.Agent`
 * does, for a half to a third of its CPU per request. Each request is one pre-built buffer (head and body)
 * written at once; a response is read only as far as its status and Content-Length. The
 * generator shares the machine's cores with the collector, so its own cost is part of what a
 * benchmark on one machine measures; keeping it small keeps the measurement about the collector.
 */
export interface PostClient {
  /** A request ready to send: POST `path` with a JSON body. */
  request(body: string): Buffer;
  /** Resolves with the status code, `network` or `timeout`; never rejects. */
  post(request: Buffer): Promise<number | "network" | "timeout">;
  close(): void;
}

type Outcome = number | "network" | "timeout";

interface Pending {
  request: Buffer;
  resolve: (outcome: Outcome) => void;
  sentAt: number;
}

export function postClient(options: { url: string; path: string; headers: Record<string, string>; maxSockets: number; timeoutMs: number }): PostClient {
  const { hostname, port } = new URL(options.url);
  const fixedHead =
    `POST ${options.path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n` +
    Object.entries(options.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
  const idle: Connection[] = [];
  const queue: Pending[] = [];
  const all = new Set<Connection>();

  class Connection {
    private readonly socket: Socket;
    private current: Pending | undefined;
    private received: Buffer = Buffer.alloc(0);

    constructor() {
      this.socket = connect({ host: hostname, port: Number(port), noDelay: true });
      this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
      this.socket.on("error", () => this.fail("network"));
      this.socket.on("close", () => this.fail("network"));
      all.add(this);
    }

    send(pending: Pending): void {
      this.current = pending;
      this.socket.write(pending.request);
    }

    get startedAt(): number | undefined {
      return this.current?.sentAt;
    }

    fail(outcome: Outcome): void {
      all.delete(this);
      const index = idle.indexOf(this);
      if (index !== -1) idle.splice(index, 1);
      this.socket.destroy();
      const current = this.current;
      this.current = undefined;
      current?.resolve(outcome);
      next();
    }

    private onData(chunk: Buffer): void {
      this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
      const headEnd = this.received.indexOf("\r\n\r\n");
      if (headEnd === -1) return;
      const head = this.received.toString("latin1", 0, headEnd);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) return this.fail("network");
      const end = headEnd + 4 + Number(length[1]);
      if (this.received.length < end) return;
      const status = Number(head.slice(9, 12));
      this.received = this.received.subarray(end);
      const current = this.current;
      this.current = undefined;
      idle.push(this);
      current?.resolve(status);
      next();
    }
  }

  function next(): void {
    while (queue.length > 0) {
      const connection = idle.pop() ?? (all.size < options.maxSockets ? new Connection() : undefined);
      if (!connection) return;
      connection.send(queue.shift()!);
    }
  }

  const sweep = setInterval(() => {
    const now = performance.now();
    for (const connection of all) {
      const startedAt = connection.startedAt;
      if (startedAt !== undefined && now - startedAt > options.timeoutMs) connection.fail("timeout");
    }
  }, 1000);
  sweep.unref();

  return {
    request(body: string): Buffer {
      return Buffer.from(`${fixedHead}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    post(request: Buffer): Promise<Outcome> {
      return new Promise((resolve) => {
        queue.push({ request, resolve, sentAt: performance.now() });
        next();
      });
    },
    close(): void {
      clearInterval(sweep);
      for (const connection of [...all]) connection.fail("network");
    },
  };
}
