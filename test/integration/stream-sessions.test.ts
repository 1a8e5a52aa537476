/**
 * The stream keeps each session in memory and writes it to the store when an assess may need it
 * (collector/stream/session-writes.ts): what a page streamed before asking for a token is in the
 * store once the token arrives, on this collector and on another one sharing a Redis store, and a
 * collector shutting down stores what it had not written yet.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentSignals, PageSignals } from "../../sdk/protocol.js";
import { SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { StreamClient } from "../helpers/stream-client.js";

const ORIGIN = "http://127.0.0.1:1";
let orderSeq = 0;
const order = () => ({ id: `ord_stream_${++orderSeq}`, amount: 19900, currency: "SEK", email: `stream${orderSeq}@example.com` });
const page = (submits: number): PageSignals => ({ onPageMs: 9000, hides: 0, hiddenMs: 0, firstInputMs: 1200, submits, keys: 40, presses: 8, untrusted: 0, referrer: "" });

/** Streams `signals` and a token request on `on`, then assesses at once with the fresh token on `assessOn`. */
async function streamThenAssess(on: TestCollector, assessOn: TestCollector, signals: EnvironmentSignals[]) {
  const client = await StreamClient.connect(on.url, SITE_KEY, ORIGIN);
  try {
    await client.next("token");
    for (const d of signals) client.send({ t: "signals", d });
    client.send({ t: "token" });
    const fresh = await client.next("token", 1);
    const answer = (await assessOn.api("POST", "/v1/assess", { token: fresh.token, order: order() })).body;
    return { sid: fresh.sid, answer };
  } finally {
    client.close();
  }
}

describe("streamed signals reach an assess", () => {
  let server: RedisServer;
  let lmdb: TestCollector;
  let a: TestCollector;
  let b: TestCollector;

  beforeAll(async () => {
    server = await startRedis();
    const store = { kind: "redis", url: server.url };
    [lmdb, a, b] = await Promise.all([startTestCollector({ origins: [ORIGIN] }), startTestCollector({ store, origins: [ORIGIN] }), startTestCollector({ store, origins: [ORIGIN] })]);
  });
  afterAll(async () => {
    await Promise.all([lmdb?.destroy(), a?.destroy(), b?.destroy()]);
    await server?.destroy();
  });

  it("sees, with a token asked for after them, the signals streamed on the same collector (LMDB)", async () => {
    const { answer } = await streamThenAssess(lmdb, lmdb, [{ visitorId: "visitor-stream-1", webdriver: true }, { page: page(1) }]);
    expect(answer.token.status).toBe("valid");
    expect(answer.device).toMatchObject({ attempts: 1 });
    expect(answer.reasons.map((r: { rule: string }) => r.rule)).toContain("automation");
  });

  it("sees them on another collector sharing the Redis store", async () => {
    const { answer } = await streamThenAssess(a, b, [{ visitorId: "visitor-stream-2", webdriver: true }, { page: page(1) }]);
    expect(answer.token.status).toBe("valid");
    expect(answer.device).toMatchObject({ attempts: 1 });
    expect(answer.reasons.map((r: { rule: string }) => r.rule)).toContain("automation");
  });

  it("keeps the submit-time signals: a submit is stored as it arrives, and the token after it waits for that write", async () => {
    const client = await StreamClient.connect(a.url, SITE_KEY, ORIGIN);
    try {
      const first = await client.next("token");
      client.send({ t: "signals", d: { visitorId: "visitor-stream-3", page: page(0) } });
      client.send({ t: "signals", d: { page: page(1) } });
      client.send({ t: "token" });
      await client.next("token", 1);
      expect((await b.store.getSession(first.sid))?.signals).toEqual({ visitorId: "visitor-stream-3", page: page(1) });
    } finally {
      client.close();
    }
  });
});

describe("a collector shutting down", () => {
  it("stores the signals it had not written yet", async () => {
    const collector = await startTestCollector({ origins: [ORIGIN] });
    let restarted: TestCollector | undefined;
    try {
      const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
      const { sid } = await client.next("token");
      client.send({ t: "signals", d: { visitorId: "visitor-shutdown", fingerprintMs: 250 } });
      // An invalid frame's error answer: every frame before it has been handled.
      client.send({ t: "nope" });
      await client.next("error");
      restarted = await collector.restart();
      expect((await restarted.store.getSession(sid))?.signals).toEqual({ visitorId: "visitor-shutdown", fingerprintMs: 250 });
      client.close();
    } finally {
      await (restarted ?? collector).destroy();
    }
  });
});
