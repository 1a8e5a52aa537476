import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionRecord, Store } from "../store/types.js";
import { SessionWrites } from "./session-writes.js";

/** A store that records each session write as it was at the call, and acknowledges when told to. */
function recordingStore() {
  const written: SessionRecord[] = [];
  const acks: (() => void)[] = [];
  const fails: ((err: Error) => void)[] = [];
  const store = {
    putSession(session: SessionRecord) {
      written.push(structuredClone(session));
      return new Promise<void>((resolve, reject) => {
        acks.push(resolve);
        fails.push(reject);
      });
    },
  } as unknown as Store;
  return {
    store,
    written,
    ackAll: () => acks.splice(0).forEach((ack) => ack()),
    failAll: (err: Error) => fails.splice(0).forEach((fail) => fail(err)),
  };
}

const session = (id: string, webdriver = false): SessionRecord => ({ id, siteKey: "pk_test", createdAtMs: 0, updatedAtMs: 0, signals: { webdriver } });

/** Whether the promise has settled by the time the microtasks run out. */
async function isSettled(promise: Promise<unknown> | undefined): Promise<boolean> {
  let settled = false;
  void promise?.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(0);
  return promise === undefined || settled;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("SessionWrites", () => {
  it("writes a changing session once per interval, with its latest signals, not once per change", async () => {
    const { store, written } = recordingStore();
    const writes = new SessionWrites(store, () => {}, { intervalMs: 1000 });
    const s = session("ses_a");
    for (let i = 0; i < 10; i++) {
      s.signals = { ...s.signals, fingerprintMs: i };
      writes.changed(s);
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(550);
    expect(written.map((w) => w.signals.fingerprintMs)).toEqual([9]);
    expect(writes.size).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toHaveLength(1);
  });

  it("writes each session an interval after its own first change, so the writes spread out", async () => {
    const { store, written } = recordingStore();
    const writes = new SessionWrites(store, () => {}, { intervalMs: 1000 });
    writes.changed(session("ses_a"));
    await vi.advanceTimersByTimeAsync(600);
    writes.changed(session("ses_b"));
    await vi.advanceTimersByTimeAsync(400);
    expect(written.map((w) => w.id)).toEqual(["ses_a"]);
    await vi.advanceTimersByTimeAsync(600);
    expect(written.map((w) => w.id)).toEqual(["ses_a", "ses_b"]);
  });

  it("writes at once when asked (a submit), and then has nothing waiting", async () => {
    const { store, written } = recordingStore();
    const writes = new SessionWrites(store, () => {});
    const s = session("ses_a");
    writes.changed(s);
    s.signals = { webdriver: true };
    void writes.writeNow(s);
    expect(written.map((w) => w.signals)).toEqual([{ webdriver: true }]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toHaveLength(1);
  });

  it("before a token: writes a changed session and resolves once the store acknowledged it; an unchanged one waits for its write still under way", async () => {
    const { store, written, ackAll } = recordingStore();
    const writes = new SessionWrites(store, () => {});
    const s = session("ses_a");
    expect(writes.writeIfDirty(s)).toBeUndefined();
    writes.changed(s);
    const first = writes.writeIfDirty(s);
    expect(written).toHaveLength(1);
    expect(await isSettled(first)).toBe(false);
    const second = writes.writeIfDirty(s);
    expect(written).toHaveLength(1);
    expect(await isSettled(second)).toBe(false);
    ackAll();
    expect(await isSettled(first)).toBe(true);
    expect(await isSettled(second)).toBe(true);
    expect(writes.writeIfDirty(s)).toBeUndefined();
  });

  it("logs a failed write and resolves, so a token still goes out", async () => {
    const { store, failAll } = recordingStore();
    const lines: string[] = [];
    const writes = new SessionWrites(store, (line) => lines.push(line));
    writes.changed(session("ses_a"));
    const written = writes.writeIfDirty(session("ses_a"));
    failAll(new Error("disk full"));
    expect(await isSettled(written)).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/could not store session ses_a: Error: disk full/)]);
  });

  it("flush writes every waiting session and resolves once all are acknowledged", async () => {
    const { store, written, ackAll } = recordingStore();
    const writes = new SessionWrites(store, () => {});
    for (const id of ["ses_a", "ses_b", "ses_c"]) writes.changed(session(id));
    const flushed = writes.flush();
    expect(written.map((w) => w.id)).toEqual(["ses_a", "ses_b", "ses_c"]);
    expect(await isSettled(flushed)).toBe(false);
    ackAll();
    expect(await isSettled(flushed)).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toHaveLength(3);
  });

  it("keeps at most maxDirty sessions waiting: past that a change is written at once", async () => {
    const { store, written } = recordingStore();
    const writes = new SessionWrites(store, () => {}, { maxDirty: 2 });
    for (const id of ["ses_a", "ses_b", "ses_c", "ses_d"]) writes.changed(session(id));
    expect(writes.size).toBe(2);
    expect(written.map((w) => w.id)).toEqual(["ses_c", "ses_d"]);
    writes.changed(session("ses_a", true));
    expect(writes.size).toBe(2);
    expect(written).toHaveLength(2);
  });
});
