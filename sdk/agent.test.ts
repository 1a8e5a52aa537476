// The agent's token and signal logic, in Node with a fake stream. Forms and the real socket are
// covered in Chromium (test/e2e).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientFrame } from "./protocol.js";
import type { StreamOptions } from "./transport/stream.js";

const fake = vi.hoisted(() => ({
  sent: [] as unknown[],
  options: undefined as StreamOptions | undefined,
  isClosed: false,
  fingerprint: undefined as undefined | ((value: { visitorId: string; confidence: { score: number } }) => void),
  traces: [] as string[],
  urgent: [] as boolean[],
  behaviour: undefined as undefined | { onChange: (group: string, isUrgent?: boolean) => void; reads: string[][]; isStopped: boolean },
}));

vi.mock("./transport/stream.js", () => ({
  openStream: (options: StreamOptions) => {
    fake.options = options;
    return {
      send: (frame: ClientFrame, isUrgent?: boolean) => {
        fake.sent.push(frame);
        fake.urgent.push(!!isUrgent);
      },
      close: () => (fake.isClosed = true),
    };
  },
}));

vi.mock("@fingerprintjs/fingerprintjs", () => ({
  load: async (options: { monitoring?: boolean }) => {
    if (options.monitoring !== false) throw new Error("monitoring must be off");
    return { get: () => new Promise((resolve) => (fake.fingerprint = resolve)) };
  },
}));

// The automation traces need a real window (checked in Chromium); here they are a fixed answer.
vi.mock("./signals/automation.js", () => ({
  getAutomation: () => {
    if (fake.traces.includes("throw")) throw new TypeError("no window here");
    return { traces: [...fake.traces] };
  },
}));

// Behaviour needs a real document (checked in Chromium); here a stand-in that reports what is read.
vi.mock("./signals/behaviour.js", () => ({
  watchBehaviour: (onChange: (group: string, isUrgent?: boolean) => void) => {
    const state = { onChange, reads: [] as string[][], isStopped: false };
    fake.behaviour = state;
    return {
      read: (groups: string[]) => {
        state.reads.push([...groups]);
        return Object.fromEntries(groups.map((group) => [group, { read: state.reads.length }]));
      },
      stop: () => (state.isStopped = true),
    };
  },
}));

const { start, BATCH_MS, MAX_REPORTS, REFRESH_AT_SHARE_OF_TTL } = await import("./agent.js");

/** Lets pending promise callbacks run without moving the fake clock. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const token = (value: string, ttlMs = 600_000) => ({ t: "token" as const, sid: "s_1", token: value, ttlMs });

describe("start", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    fake.sent = [];
    fake.options = undefined;
    fake.isClosed = false;
    fake.fingerprint = undefined;
    fake.traces = [];
    fake.behaviour = undefined;
    vi.stubGlobal("navigator", {
      webdriver: true,
      userAgent: "Mozilla/5.0 HeadlessChrome/156",
      platform: "Linux x86_64",
      userAgentData: { platform: "Linux" },
      languages: ["sv-SE", "en"],
      language: "sv-SE",
    });
    vi.stubGlobal("screen", { width: 1280, height: 720, colorDepth: 24 });
    vi.stubGlobal("devicePixelRatio", 2);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("opens the stream at once with the site key and collector", () => {
    start({ siteKey: "pk_test_demo", collectorUrl: "http://127.0.0.1:8787" });
    expect(fake.options).toMatchObject({ siteKey: "pk_test_demo", collectorUrl: "http://127.0.0.1:8787" });
  });

  it("holds the signals until the first token is in, so fingerprinting cannot delay it", () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    expect(fake.sent).toEqual([]);
    expect(fake.fingerprint).toBeUndefined();
    fake.options!.onToken(token("t1"));
    expect(fake.sent).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(fake.sent).toHaveLength(1);
  });

  it("sends the signals after 500 ms even when no token comes", () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    vi.advanceTimersByTime(499);
    expect(fake.sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fake.sent).toHaveLength(1);
  });

  it("sends the synchronous signals in one frame, and the fingerprint later in another", async () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    vi.advanceTimersByTime(500);
    expect(fake.sent).toEqual([
      {
        t: "signals",
        d: {
          webdriver: true,
          userAgent: "Mozilla/5.0 HeadlessChrome/156",
          platform: "Linux",
          timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          languages: ["sv-SE", "en"],
          screen: { width: 1280, height: 720, pixelRatio: 2, colorDepth: 24 },
          automation: { traces: [] },
        },
      },
    ]);
    await flush();
    expect(fake.fingerprint).toBeDefined();
    vi.advanceTimersByTime(250);
    fake.fingerprint!({ visitorId: "v_123", confidence: { score: 0.7 } });
    await flush();
    expect(fake.sent).toHaveLength(2);
    expect(fake.sent[1]).toEqual({ t: "signals", d: { visitorId: "v_123", visitorConfidence: 0.7, fingerprintMs: 750 } });
  });

  it("leaves out a signal that throws, and reports it to the collector", () => {
    vi.stubGlobal("screen", undefined);
    start({ siteKey: "pk", collectorUrl: "http://c" });
    vi.advanceTimersByTime(500);
    const report = fake.sent[0] as { t: string; m: string };
    expect(report).toMatchObject({ t: "report" });
    expect(report.m).toMatch(/^signal screen: TypeError: /);
    const signals = fake.sent[1] as { d: Record<string, unknown> };
    expect(signals.d).not.toHaveProperty("screen");
    expect(signals.d.webdriver).toBe(true);
  });

  it(`reports at most ${MAX_REPORTS} failures per page, each at most 200 characters`, () => {
    vi.stubGlobal("navigator", undefined);
    vi.stubGlobal("screen", undefined);
    fake.traces = ["throw"];
    start({ siteKey: "pk", collectorUrl: "http://c" });
    vi.advanceTimersByTime(500);
    const reports = fake.sent.filter((frame) => (frame as ClientFrame).t === "report") as { m: string }[];
    expect(reports).toHaveLength(MAX_REPORTS);
    expect(reports.map((r) => r.m.split(":")[0])).toEqual(["signal webdriver", "signal userAgent", "signal platform"]);
    expect(reports.every((r) => r.m.length <= 200)).toBe(true);
    expect((fake.sent.at(-1) as { d: Record<string, unknown> }).d).toEqual({ timezone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  });

  it("token() waits for the first token, then answers with the latest", async () => {
    const agent = start({ siteKey: "pk", collectorUrl: "http://c" });
    let first: string | undefined;
    void agent.token().then((value) => (first = value));
    await flush();
    expect(first).toBeUndefined();
    fake.options!.onToken(token("t1"));
    await flush();
    expect(first).toBe("t1");
    fake.options!.onToken(token("t2"));
    await expect(agent.token()).resolves.toBe("t2");
  });

  it(`asks for a fresh token at ${REFRESH_AT_SHARE_OF_TTL * 100}% of its lifetime, again after each new one`, () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    const refreshes = () => fake.sent.filter((frame) => (frame as ClientFrame).t === "token").length;
    fake.options!.onToken(token("t1", 10_000));
    vi.advanceTimersByTime(7_999);
    expect(refreshes()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(refreshes()).toBe(1);

    // A token from a reconnect in between replaces the schedule rather than adding one.
    fake.options!.onToken(token("t2", 10_000));
    vi.advanceTimersByTime(5_000);
    fake.options!.onToken(token("t3", 10_000));
    vi.advanceTimersByTime(7_999);
    expect(refreshes()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(refreshes()).toBe(2);
  });

  it("clamps absurd lifetimes to a sane refresh delay", () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    const refreshes = () => fake.sent.filter((frame) => (frame as ClientFrame).t === "token").length;
    fake.options!.onToken(token("t1", 0));
    vi.advanceTimersByTime(999);
    expect(refreshes()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(refreshes()).toBe(1);
    fake.options!.onToken(token("t2", 1e12));
    vi.advanceTimersByTime(60_000);
    expect(refreshes()).toBe(1);
  });

  it("stop() closes the stream and stops refreshing and sending", async () => {
    const agent = start({ siteKey: "pk", collectorUrl: "http://c" });
    fake.options!.onToken(token("t1", 10_000));
    agent.stop();
    expect(fake.isClosed).toBe(true);
    const count = fake.sent.length;
    vi.advanceTimersByTime(60_000);
    await flush();
    fake.fingerprint?.({ visitorId: "v", confidence: { score: 1 } });
    await flush();
    expect(fake.sent).toHaveLength(count);
  });

  it("is silent unless debug is on", () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    start({ siteKey: "pk", collectorUrl: "http://c" }).stop();
    expect(spy).not.toHaveBeenCalled();
    start({ siteKey: "pk", collectorUrl: "http://c", debug: true }).stop();
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it("calls onToken with every new token, and survives it throwing", () => {
    const seen: string[] = [];
    start({
      siteKey: "pk",
      collectorUrl: "http://c",
      onToken: (value) => {
        seen.push(value);
        throw new Error("merchant bug");
      },
    });
    fake.options!.onToken(token("t1", 10_000));
    fake.options!.onToken(token("t2", 10_000));
    expect(seen).toEqual(["t1", "t2"]);
    vi.advanceTimersByTime(8_000);
    expect(fake.sent.filter((frame) => (frame as ClientFrame).t === "token")).toHaveLength(1);
  });

  it("never throws, even with no browser around it", () => {
    vi.unstubAllGlobals();
    expect(() => start({ siteKey: "pk", collectorUrl: "http://c" }).stop()).not.toThrow();
  });
});

describe("behaviour batching", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    fake.sent = [];
    fake.behaviour = undefined;
    fake.traces = [];
    vi.stubGlobal("document", { readyState: "loading", querySelectorAll: () => [] });
    vi.stubGlobal("addEventListener", () => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const signalFrames = () => fake.sent.filter((frame) => (frame as ClientFrame).t === "signals") as { d: Record<string, unknown> }[];

  it("watches from the start, sends changed groups whole at most once per second", () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    const watched = fake.behaviour!;
    watched.onChange("pointer");
    watched.onChange("fields");
    watched.onChange("pointer");
    vi.advanceTimersByTime(BATCH_MS - 1);
    expect(signalFrames()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(watched.reads).toEqual([["pointer", "fields"]]);
    expect(signalFrames()).toEqual([{ t: "signals", d: { pointer: { read: 1 }, fields: { read: 1 } } }]);
    vi.advanceTimersByTime(10 * BATCH_MS);
    expect(signalFrames()).toHaveLength(1);
    watched.onChange("page");
    vi.advanceTimersByTime(BATCH_MS);
    expect(signalFrames().at(-1)).toEqual({ t: "signals", d: { page: { read: 2 } } });
  });

  it("sends at once on an urgent change (a submit, the page hidden or left), with everything pending", () => {
    start({ siteKey: "pk", collectorUrl: "http://c" });
    const watched = fake.behaviour!;
    fake.urgent = [];
    watched.onChange("fields");
    watched.onChange("page", true);
    expect(signalFrames()).toEqual([{ t: "signals", d: { fields: { read: 1 }, page: { read: 1 } } }]);
    expect(fake.urgent).toEqual([true]);
    vi.advanceTimersByTime(BATCH_MS);
    expect(signalFrames()).toHaveLength(1);
  });

  it("waits for the page's load before the environment signals and FingerprintJS", () => {
    const listeners: Record<string, () => void> = {};
    vi.stubGlobal("addEventListener", (type: string, listener: () => void) => (listeners[type] = listener));
    start({ siteKey: "pk", collectorUrl: "http://c" });
    fake.options!.onToken(token("t1"));
    vi.advanceTimersByTime(600);
    expect(signalFrames()).toEqual([]);
    (document as { readyState: string }).readyState = "complete";
    listeners.load!();
    vi.advanceTimersByTime(0);
    expect(signalFrames()).toHaveLength(1);
    expect(signalFrames()[0]!.d).toHaveProperty("timezone");
  });

  it("can be switched off, and stops with the agent", () => {
    start({ siteKey: "pk", collectorUrl: "http://c", behaviour: false });
    expect(fake.behaviour).toBeUndefined();
    const agent = start({ siteKey: "pk", collectorUrl: "http://c" });
    const watched = fake.behaviour!;
    watched.onChange("fields");
    agent.stop();
    expect(watched.isStopped).toBe(true);
    vi.advanceTimersByTime(BATCH_MS);
    expect(signalFrames()).toEqual([]);
  });
});
