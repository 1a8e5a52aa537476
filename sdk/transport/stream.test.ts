import { Packr } from "msgpackr";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientFrame } from "../protocol.js";
import {
  CONNECT_TIMEOUT_MS,
  FALLBACK_AFTER_FAILURES,
  MAX_QUEUED_FRAMES,
  RECONNECT_MAX_MS,
  RECONNECT_MIN_MS,
  openStream,
  reconnectDelayMs,
  collectUrl,
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
  onerror: ((event: unknown) => void) | null = null;

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
  /** What Chromium does when a CSP refuses the connection: error, and no close. */
  refuse(): void {
    this.readyState = 3;
    this.onerror?.({});
  }
}

/** fetch for the HTTP fallback: records each request; the test answers it. */
interface FakeRequest {
  url: string;
  init: RequestInit;
  frames: () => Promise<unknown[]>;
  answer(frames: unknown[]): Promise<void>;
  fail(): Promise<void>;
}
let requests: FakeRequest[] = [];
function fakeFetch(url: string, init: RequestInit): Promise<unknown> {
  return new Promise((resolve, reject) => {
    requests.push({
      url,
      init,
      frames: async () => packr.unpack(new Uint8Array(await (init.body as Blob).arrayBuffer())) as unknown[],
      async answer(frames) {
        const bytes = packr.pack(frames);
        resolve({ ok: true, status: 200, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) });
        await flushPromises();
      },
      async fail() {
        reject(new TypeError("Failed to fetch"));
        await flushPromises();
      },
    });
  });
}
const flushPromises = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const latest = (): FakeWebSocket => FakeWebSocket.instances.at(-1)!;
const TOKEN: TokenFrame = { t: "token", sid: "s_abc", token: "eyJ.a.b", ttlMs: 600_000 };

describe("streamUrl", () => {
  it("and into the HTTP fallback's URL", () => {
    expect(collectUrl("http://127.0.0.1:8787", "pk_test_demo")).toBe("http://127.0.0.1:8787/v1/collect?k=pk_test_demo");
    expect(collectUrl("https://shop.example/vakt/", "pk", "s_1")).toBe("https://shop.example/vakt/v1/collect?k=pk&sid=s_1");
  });

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
    vi.stubGlobal("fetch", fakeFetch);
    requests = [];
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

describe("the HTTP fallback", () => {
  let stream: Stream | undefined;
  let tokens: TokenFrame[];

  const open = (): Stream =>
    (stream = openStream({ collectorUrl: "http://127.0.0.1:8787", siteKey: "pk_test_demo", onToken: (frame) => tokens.push(frame), log: () => {} }));
  /** Lets the pending reconnect happen, then fails that attempt too. */
  const failNextAttempt = (): void => {
    const count = FakeWebSocket.instances.length;
    while (FakeWebSocket.instances.length === count) vi.advanceTimersByTime(100);
    latest().drop();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeWebSocket);
    vi.stubGlobal("fetch", fakeFetch);
    FakeWebSocket.instances = [];
    requests = [];
    tokens = [];
  });
  afterEach(() => {
    stream?.close();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it(`takes over after ${FALLBACK_AFTER_FAILURES} failed WebSocket attempts: a simple CORS request that brings the first token`, async () => {
    open().send({ t: "signals", d: { webdriver: false } });
    latest().drop();
    expect(requests).toHaveLength(0);
    failNextAttempt();
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.url).toBe("http://127.0.0.1:8787/v1/collect?k=pk_test_demo");
    expect(request!.init).toMatchObject({ method: "POST", headers: { "content-type": "text/plain" }, credentials: "omit", keepalive: true });
    expect(await request!.frames()).toEqual([{ t: "signals", d: { webdriver: false } }]);
    await request!.answer([TOKEN]);
    expect(tokens).toEqual([TOKEN]);

    // Later frames go at once, for the same session; a token refresh too.
    stream!.send({ t: "token" });
    expect(requests).toHaveLength(2);
    expect(requests[1]!.url).toBe("http://127.0.0.1:8787/v1/collect?k=pk_test_demo&sid=s_abc");
    expect(await requests[1]!.frames()).toEqual([{ t: "token" }]);
    await requests[1]!.answer([{ ...TOKEN, token: "eyJ.refreshed" }]);
    expect(tokens.at(-1)!.token).toBe("eyJ.refreshed");
  });

  it("asks for a session (an empty request) when nothing is queued, and keeps one request in flight", async () => {
    open();
    latest().drop();
    failNextAttempt();
    expect(requests).toHaveLength(1);
    expect(await requests[0]!.frames()).toEqual([]);
    stream!.send({ t: "token" });
    stream!.send({ t: "signals", d: { fingerprintMs: 1 } });
    expect(requests).toHaveLength(1);
    await requests[0]!.answer([TOKEN]);
    expect(requests).toHaveLength(2);
    expect(await requests[1]!.frames()).toEqual([{ t: "token" }, { t: "signals", d: { fingerprintMs: 1 } }]);
  });

  it("lets an urgent frame (a submit, the page leaving) go without waiting for a request in flight", async () => {
    open();
    latest().drop();
    failNextAttempt();
    stream!.send({ t: "signals", d: { fingerprintMs: 1 } });
    expect(requests).toHaveLength(1);
    stream!.send({ t: "signals", d: { fingerprintMs: 2 } }, true);
    expect(requests).toHaveLength(2);
    expect(await requests[1]!.frames()).toEqual([
      { t: "signals", d: { fingerprintMs: 1 } },
      { t: "signals", d: { fingerprintMs: 2 } },
    ]);
  });

  it("counts a connection refused by a CSP (error without close) as a failed attempt", () => {
    open();
    latest().refuse();
    const count = FakeWebSocket.instances.length;
    while (FakeWebSocket.instances.length === count) vi.advanceTimersByTime(100);
    latest().refuse();
    expect(requests).toHaveLength(1);
  });

  it(`counts a WebSocket still connecting after ${CONNECT_TIMEOUT_MS} ms as a failed attempt`, () => {
    open();
    const first = latest();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(first.isClosedByClient).toBe(true);
    failNextAttempt();
    expect(requests).toHaveLength(1);
  });

  it("puts the frames back when a request fails, and retries with the next WebSocket attempt", async () => {
    open().send({ t: "token" });
    latest().drop();
    failNextAttempt();
    await requests[0]!.fail();
    expect(requests).toHaveLength(1);
    failNextAttempt();
    expect(requests).toHaveLength(2);
    expect(await requests[1]!.frames()).toEqual([{ t: "token" }]);
  });

  it("keeps retrying the WebSocket with back-off, and leaves HTTP once it brings a token", async () => {
    open();
    latest().drop();
    failNextAttempt();
    await requests[0]!.answer([TOKEN]);
    failNextAttempt();
    const count = FakeWebSocket.instances.length;
    while (FakeWebSocket.instances.length === count) vi.advanceTimersByTime(100);
    expect(latest().url).toBe("ws://127.0.0.1:8787/v1/stream?k=pk_test_demo&sid=s_abc");
    latest().open();
    latest().receive(TOKEN);
    stream!.send({ t: "token" });
    expect(latest().sent).toEqual([{ t: "token" }]);
    expect(requests).toHaveLength(1);
  });

  it("never throws when fetch is missing or throws, and keeps trying", async () => {
    vi.stubGlobal("fetch", undefined);
    open();
    latest().drop();
    expect(() => failNextAttempt()).not.toThrow();
    let calls = 0;
    vi.stubGlobal("fetch", () => {
      calls++;
      throw new TypeError("blocked");
    });
    expect(() => stream!.send({ t: "token" })).not.toThrow();
    await flushPromises();
    stream!.send({ t: "token" });
    expect(calls).toBe(2);
    await flushPromises();
    vi.stubGlobal("fetch", fakeFetch);
    failNextAttempt();
    expect(await requests[0]!.frames()).toEqual([{ t: "token" }, { t: "token" }]);
  });
});
