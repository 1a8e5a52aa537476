import { Packr } from "msgpackr";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientFrame } from "../protocol.js";
import {
  MAX_QUEUED_FRAMES,
  RECONNECT_MAX_MS,
  RECONNECT_MIN_MS,
  openStream,
  reconnectDelayMs,
  streamUrl,
  type Stream,
  type TokenFrame,
} from "./stream.js";

/** The collector's msgpackr options. */
const packr = new Packr({ useRecords: false });

/** Just enough of a browser WebSocket to drive the stream from a test. */
class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  sent: unknown[] = [];
  isClosedByClient = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error("InvalidStateError");
    this.sent.push(packr.unpack(data));
  }
  close(): void {
    this.isClosedByClient = true;
    this.readyState = 3;
  }
  // Test side:
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(value: unknown): void {
    const bytes = packr.pack(value);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
}

const latest = (): FakeWebSocket => FakeWebSocket.instances.at(-1)!;
const TOKEN: TokenFrame = { t: "token", sid: "s_abc", token: "eyJ.a.b", ttlMs: 600_000 };

describe("streamUrl", () => {
  it("turns the collector URL into the stream URL", () => {
    expect(streamUrl("http://127.0.0.1:8787", "pk_test_demo")).toBe("ws://127.0.0.1:8787/v1/stream?k=pk_test_demo");
    expect(streamUrl("https://vakt.example.com/", "pk_live")).toBe("wss://vakt.example.com/v1/stream?k=pk_live");
    expect(streamUrl("https://shop.example/vakt", "pk", "s_1")).toBe("wss://shop.example/vakt/v1/stream?k=pk&sid=s_1");
    expect(streamUrl("http://x.test", "a b&c")).toBe("ws://x.test/v1/stream?k=a+b%26c");
  });
});

describe("reconnectDelayMs", () => {
  it("doubles from 500 ms to a 30 s cap, with jitter in the upper half", () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const capMs = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt);
      for (let i = 0; i < 20; i++) {
        const delayMs = reconnectDelayMs(attempt);
        expect(delayMs).toBeGreaterThanOrEqual(capMs / 2);
        expect(delayMs).toBeLessThanOrEqual(capMs);
      }
    }
  });
});

describe("openStream", () => {
  let stream: Stream | undefined;
  let tokens: TokenFrame[];
  let logs: unknown[][];

  const open = (): Stream =>
    (stream = openStream({
      collectorUrl: "http://127.0.0.1:8787",
      siteKey: "pk_test_demo",
      onToken: (frame) => tokens.push(frame),
      log: (...args) => logs.push(args),
    }));

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeWebSocket);
    FakeWebSocket.instances = [];
    tokens = [];
    logs = [];
  });
  afterEach(() => {
    stream?.close();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("opens at once, as binary, with the site key", () => {
    open();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(latest().url).toBe("ws://127.0.0.1:8787/v1/stream?k=pk_test_demo");
    expect(latest().binaryType).toBe("arraybuffer");
  });

  it("queues frames until open and flushes them in order", () => {
    open().send({ t: "signals", d: { webdriver: true } });
    stream!.send({ t: "token" });
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([{ t: "signals", d: { webdriver: true } }, { t: "token" }]);
    stream!.send({ t: "token" });
    expect(latest().sent).toHaveLength(3);
  });

  it(`keeps at most ${MAX_QUEUED_FRAMES} frames, dropping the oldest`, () => {
    open();
    for (let i = 0; i < MAX_QUEUED_FRAMES + 10; i++) stream!.send({ t: "signals", d: { fingerprintMs: i } });
    latest().open();
    const sent = latest().sent as Array<{ d: { fingerprintMs: number } }>;
    expect(sent).toHaveLength(MAX_QUEUED_FRAMES);
    expect(sent[0]!.d.fingerprintMs).toBe(10);
    expect(sent.at(-1)!.d.fingerprintMs).toBe(MAX_QUEUED_FRAMES + 9);
  });

  it("drops a frame larger than the collector accepts", () => {
    open();
    latest().open();
    stream!.send({ t: "signals", d: { userAgent: "x".repeat(20_000) } });
    expect(latest().sent).toEqual([]);
  });

  it("reports token frames and ignores everything else without throwing", () => {
    open();
    latest().open();
    latest().receive(TOKEN);
    latest().receive({ t: "error", code: "bad_frame", message: "no" });
    latest().receive({ t: "token", sid: "s", token: 42, ttlMs: 1 });
    latest().onmessage?.({ data: "text" });
    latest().onmessage?.({ data: new Uint8Array([0xc1]).buffer });
    expect(tokens).toEqual([TOKEN]);
  });

  it("reconnects with back-off and resumes the session with &sid=", () => {
    open();
    latest().open();
    latest().receive(TOKEN);
    latest().drop();
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(RECONNECT_MIN_MS);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(latest().url).toBe("ws://127.0.0.1:8787/v1/stream?k=pk_test_demo&sid=s_abc");

    // Failing attempts wait longer and longer, never more than the cap.
    let previousCount = 2;
    const waits: number[] = [];
    for (let attempt = 1; attempt < 12; attempt++) {
      latest().drop();
      let waitedMs = 0;
      while (FakeWebSocket.instances.length === previousCount) {
        vi.advanceTimersByTime(100);
        waitedMs += 100;
      }
      previousCount = FakeWebSocket.instances.length;
      waits.push(waitedMs);
    }
    expect(waits[0]).toBeGreaterThanOrEqual(RECONNECT_MIN_MS);
    expect(Math.max(...waits)).toBeLessThanOrEqual(RECONNECT_MAX_MS + 100);
    expect(waits.at(-1)).toBeGreaterThanOrEqual(RECONNECT_MAX_MS / 2);

    // A token resets the back-off.
    latest().open();
    latest().receive({ ...TOKEN, token: "eyJ.c.d" });
    latest().drop();
    vi.advanceTimersByTime(RECONNECT_MIN_MS);
    expect(FakeWebSocket.instances).toHaveLength(previousCount + 1);
  });

  it("sends frames queued while reconnecting once the new socket opens", () => {
    open();
    latest().open();
    latest().drop();
    stream!.send({ t: "token" });
    vi.advanceTimersByTime(RECONNECT_MIN_MS);
    latest().open();
    expect(latest().sent).toEqual([{ t: "token" }]);
  });

  it("retries when the WebSocket constructor throws", () => {
    let calls = 0;
    vi.stubGlobal(
      "WebSocket",
      class extends FakeWebSocket {
        constructor(url: string) {
          if (calls++ === 0) throw new SyntaxError("bad URL");
          super(url);
        }
      },
    );
    expect(() => open()).not.toThrow();
    expect(FakeWebSocket.instances).toHaveLength(0);
    vi.advanceTimersByTime(RECONNECT_MIN_MS);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("close() closes the socket and stops reconnecting and sending", () => {
    open();
    const socket = latest();
    socket.open();
    stream!.close();
    expect(socket.isClosedByClient).toBe(true);
    socket.drop();
    stream!.send({ t: "token" } satisfies ClientFrame);
    vi.advanceTimersByTime(10 * RECONNECT_MAX_MS);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(socket.sent).toEqual([]);
  });
});
