import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../collector/ids.js";
import { LmdbStore } from "../../collector/store/lmdb/lmdb-store.js";
import { MemoryStore } from "../../collector/store/memory/memory-store.js";
import { RedisStore } from "../../collector/store/redis/redis-store.js";
import type { AttemptRecord, ChallengeRecord, Store } from "../../collector/store/types.js";
import { flushAll, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../helpers/redis.js";

interface Implementation {
  /** Starts what every test of this implementation shares (a server). */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** A fresh, empty store for one test. */
  make(): Promise<{ store: Store; cleanup(): void }>;
  /** Another store on the data of the last one made, as a second collector has; stores that cannot be shared leave it out. */
  sibling?(): Store;
}

let redis: RedisServer | undefined;
let cluster: RedisCluster | undefined;
const RETENTION_MS = 90 * 86_400_000;

/** Every Store implementation must behave the same: the engine, the backtest and several collectors rely on it. */
const IMPLEMENTATIONS: [string, Implementation][] = [
  ["LMDB (durable)", { make: async () => lmdb(true) }],
  ["LMDB (throw-away)", { make: async () => lmdb(false) }],
  ["memory", { make: async () => ({ store: new MemoryStore(), cleanup() {} }) }],
  [
    "Redis (one server)",
    {
      setup: async () => void (redis = await startRedis()),
      teardown: async () => redis?.destroy(),
      make: async () => {
        await flushAll([redis!.port]);
        return { store: new RedisStore({ url: redis!.url }, { retentionMs: RETENTION_MS }), cleanup() {} };
      },
      sibling: () => new RedisStore({ url: redis!.url }, { retentionMs: RETENTION_MS }),
    },
  ],
  [
    "Redis Cluster (three masters)",
    {
      setup: async () => void (cluster = await startRedisCluster()),
      teardown: async () => cluster?.destroy(),
      make: async () => {
        await flushAll(cluster!.nodes.map((n) => n.port));
        return { store: new RedisStore({ cluster: cluster!.urls }, { retentionMs: RETENTION_MS }), cleanup() {} };
      },
      sibling: () => new RedisStore({ cluster: cluster!.urls }, { retentionMs: RETENTION_MS }),
    },
  ],
];

function lmdb(durable: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "vakt-contract-"));
  return { store: new LmdbStore(dir, { durable }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits until a store with a graylist view has one (it loads the list in the background after the start). */
async function readyView(store: Store): Promise<void> {
  if (!store.graylistView) return;
  const deadline = Date.now() + 5000;
  while (!(await store.graylistView())) {
    if (Date.now() > deadline) throw new Error("no graylist view within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A recent hour: the Redis store expires records by the wall clock, so test times stay near it. */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000;

function attempt(tsMs: number, ids: AttemptRecord["ids"], extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return { id: newId("att", tsMs), siteKey: "pk_a", orderId: `ord_${tsMs}_${Math.random()}`, tsMs, ids, answer: { decision: "allow" } as never, ...extra };
}

describe.each(IMPLEMENTATIONS)("store contract: %s", (_name, implementation) => {
  let store: Store;
  let cleanup: () => void;
  beforeAll(async () => implementation.setup?.());
  afterAll(async () => implementation.teardown?.());
  beforeEach(async () => {
    ({ store, cleanup } = await implementation.make());
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it("records an attempt with its order id and token use", async () => {
    const a = attempt(T0, { email: "e1" }, { orderId: "ord_1", tokenJti: "jti_1" });
    await store.recordAttempt(a);
    expect(await store.getAttempt(a.id)).toEqual(a);
    expect(await store.findAttemptIdByOrder("pk_a", "ord_1")).toBe(a.id);
    expect(await store.findAttemptIdByOrder("pk_b", "ord_1")).toBeUndefined();
    expect(await store.getTokenUse("jti_1")).toEqual({ orderId: "ord_1", attemptId: a.id });
    await store.updateAttempt({ ...a, review: { status: "approved", atMs: T0 + 1 } });
    expect((await store.getAttempt(a.id))!.review?.status).toBe("approved");
  });

  it("reads an identifier's history newest first, within the window, up to the limit", async () => {
    const times = [T0 - 5000, T0 - 4000, T0 - 3000, T0 - 2000, T0 - 1000];
    const recorded = [];
    for (const t of times) recorded.push(attempt(t, { device: "d1", email: `e${t}` }));
    for (const a of recorded) await store.recordAttempt(a);
    await store.recordAttempt(attempt(T0, { device: "d2" }));
    const all = await store.history("device", "d1", 0, 100);
    expect(all.map((e) => e.tsMs)).toEqual([...times].reverse());
    expect(all[0]).toEqual({ attemptId: recorded[4]!.id, siteKey: "pk_a", tsMs: T0 - 1000, ids: { device: "d1", email: `e${T0 - 1000}` } });
    expect((await store.history("device", "d1", T0 - 3000, 100)).map((e) => e.tsMs)).toEqual([T0 - 1000, T0 - 2000, T0 - 3000]);
    expect((await store.history("device", "d1", 0, 2)).map((e) => e.tsMs)).toEqual([T0 - 1000, T0 - 2000]);
    expect(await store.history("device", "nope", 0, 10)).toEqual([]);
    expect(await store.history("email", "d1", 0, 10)).toEqual([]);
  });

  it("puts a label's identifiers on its list, and a relabel replaces them", async () => {
    const a = attempt(T0, { phone: "p1", email: "e1" });
    await store.recordAttempt(a);
    const refs = [{ kind: "phone" as const, hash: "p1" }, { kind: "email" as const, hash: "e1" }];
    await store.putLabel({ attemptId: a.id, label: "fraud", atMs: T0 }, refs, refs.map((r) => ({ ...r, list: "fraud", attemptId: a.id, atMs: T0 })));
    expect((await store.listLookup("fraud", refs)).map((e) => e?.attemptId)).toEqual([a.id, a.id]);
    expect(await store.getLabel(a.id)).toEqual({ attemptId: a.id, label: "fraud", atMs: T0 });
    await store.putLabel({ attemptId: a.id, label: "legit", atMs: T0 + 1 }, refs, [{ kind: "email", hash: "e1", list: "legit", attemptId: a.id, atMs: T0 + 1 }]);
    expect(await store.listLookup("fraud", refs)).toEqual([undefined, undefined]);
    expect((await store.listLookup("legit", refs)).map((e) => e?.attemptId)).toEqual([undefined, a.id]);
  });

  it("does not let a relabel remove another attempt's list entry", async () => {
    const a = attempt(T0, { phone: "p1" });
    const b = attempt(T0 + 1, { phone: "p1" });
    const ref = [{ kind: "phone" as const, hash: "p1" }];
    await store.putLabel({ attemptId: a.id, label: "fraud", atMs: T0 }, ref, [{ ...ref[0]!, list: "fraud", attemptId: a.id, atMs: T0 }]);
    await store.putLabel({ attemptId: b.id, label: "fraud", atMs: T0 }, ref, [{ ...ref[0]!, list: "fraud", attemptId: b.id, atMs: T0 }]);
    await store.putLabel({ attemptId: a.id, label: "legit", atMs: T0 }, ref, []);
    expect((await store.listLookup("fraud", ref))[0]?.attemptId).toBe(b.id);
  });

  it("shows a fraud label acknowledged through another collector to this one's next look-up, in its graylist view too", async () => {
    const other = implementation.sibling?.() ?? store;
    try {
      const a = attempt(T0, { phone: "p1", email: "e1" });
      const b = attempt(T0 + 1, { phone: "p1" });
      const refs = [{ kind: "phone" as const, hash: "p1" }, { kind: "email" as const, hash: "e1" }];
      await readyView(store);
      await other.putLabel({ attemptId: a.id, label: "fraud", atMs: T0 }, refs, refs.map((r) => ({ ...r, list: "fraud", attemptId: a.id, atMs: T0 })));
      const entry = { list: "fraud", kind: "phone", hash: "p1", attemptId: a.id, atMs: T0 };
      expect((await store.listLookup("fraud", refs))[0]).toEqual(entry);
      const view = await store.graylistView?.();
      if (store.graylistView) expect(refs.map((r) => view!.lookup(r)?.attemptId)).toEqual([a.id, a.id]);
      if (view) expect(view.lookup(refs[0]!)).toEqual(entry);

      // Another attempt takes over the phone; relabelling the first legit clears only what it put there.
      await other.putLabel({ attemptId: b.id, label: "fraud", atMs: T0 + 1 }, [refs[0]!], [{ ...refs[0]!, list: "fraud", attemptId: b.id, atMs: T0 + 1 }]);
      await other.putLabel({ attemptId: a.id, label: "legit", atMs: T0 + 2 }, refs, [{ ...refs[1]!, list: "legit", attemptId: a.id, atMs: T0 + 2 }]);
      expect((await store.listLookup("fraud", refs)).map((e) => e?.attemptId)).toEqual([b.id, undefined]);
      const after = await store.graylistView?.();
      if (store.graylistView) expect(refs.map((r) => after!.lookup(r)?.attemptId)).toEqual([b.id, undefined]);
      expect((await store.listLookup("legit", refs)).map((e) => e?.attemptId)).toEqual([undefined, a.id]);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it("lists attempts by time and site, and purges old attempts with their index entries and sessions", async () => {
    const old = attempt(T0 - 10_000, { email: "e_old" }, { orderId: "ord_old" });
    const mid = attempt(T0 - 5_000, { email: "e_mid" }, { siteKey: "pk_b" });
    const recent = attempt(T0, { email: "e_old" });
    for (const a of [old, mid, recent]) await store.recordAttempt(a);
    expect((await store.listAttempts({ sinceMs: 0, untilMs: T0 + 1, limit: 10 })).map((a) => a.id)).toEqual([old.id, mid.id, recent.id]);
    expect((await store.listAttempts({ sinceMs: 0, untilMs: T0 + 1, limit: 10, siteKey: "pk_b" })).map((a) => a.id)).toEqual([mid.id]);
    expect((await store.listAttempts({ sinceMs: T0 - 6000, untilMs: T0, limit: 10 })).map((a) => a.id)).toEqual([mid.id]);

    await store.putSession({ id: newId("ses", T0 - 10_000), siteKey: "pk_a", createdAtMs: T0 - 10_000, updatedAtMs: T0, signals: {} });
    const fresh = { id: newId("ses", T0), siteKey: "pk_a", createdAtMs: T0, updatedAtMs: T0, signals: {} };
    await store.putSession(fresh);
    expect(await store.purgeBefore(T0 - 1000, 100)).toEqual({ attempts: 2, sessions: 1 });
    expect(await store.getAttempt(old.id)).toBeUndefined();
    expect(await store.findAttemptIdByOrder("pk_a", "ord_old")).toBeUndefined();
    expect((await store.history("email", "e_old", 0, 10)).map((e) => e.attemptId)).toEqual([recent.id]);
    expect(await store.getSession(fresh.id)).toEqual(fresh);
  });

  it("keeps contacts until they expire, then purges them", async () => {
    await store.putContact("att_1", Buffer.from("sealed"), T0 + 1000);
    expect(await store.getContact("att_1", T0)).toEqual(Buffer.from("sealed"));
    expect(await store.getContact("att_1", T0 + 1000)).toBeUndefined();
    expect(await store.purgeExpired(T0 + 2000, 10)).toBe(1);
  });

  it("keeps a challenge until it expires, replaces it on a put, and purges it", async () => {
    const challenge: ChallengeRecord = { attemptId: "att_c", siteKey: "pk_a", status: "pending", sentAtMs: [], failedTries: 0, expiresAtMs: T0 + 1000 };
    await store.putChallenge(challenge);
    expect(await store.getChallenge("att_c", T0)).toEqual(challenge);
    const sent = { ...challenge, channel: "email" as const, codeHash: "h", codeExpiresAtMs: T0 + 500, sentAtMs: [T0], expiresAtMs: T0 + 3000 };
    await store.putChallenge(sent);
    expect(await store.getChallenge("att_c", T0 + 2000)).toEqual(sent);
    expect(await store.getChallenge("att_c", T0 + 3000)).toBeUndefined();
    expect(await store.getChallenge("att_other", T0)).toBeUndefined();
    expect(await store.purgeExpired(T0 + 2000, 10)).toBe(0);
    expect(await store.purgeExpired(T0 + 4000, 10)).toBe(1);
    expect(await store.getChallenge("att_c", 0)).toBeUndefined();
  });

  it("lists open reviews newest first, by site, page by page, and drops closed and purged ones", async () => {
    const open = (tsMs: number, siteKey = "pk_a") => attempt(tsMs, { email: `e${tsMs}` }, { siteKey, review: { status: "open", atMs: tsMs } });
    const a1 = open(T0 - 4000);
    const a2 = open(T0 - 3000, "pk_b");
    const a3 = open(T0 - 2000);
    const a4 = open(T0 - 1000);
    for (const a of [a1, a2, a3, a4, attempt(T0, { email: "none" })]) await store.recordAttempt(a);
    expect((await store.listOpenReviews({ limit: 10 })).map((a) => a.id)).toEqual([a4.id, a3.id, a2.id, a1.id]);
    expect((await store.listOpenReviews({ limit: 10, siteKey: "pk_a" })).map((a) => a.id)).toEqual([a4.id, a3.id, a1.id]);
    const page1 = await store.listOpenReviews({ limit: 2 });
    expect(page1.map((a) => a.id)).toEqual([a4.id, a3.id]);
    expect((await store.listOpenReviews({ limit: 2, beforeId: page1[1]!.id })).map((a) => a.id)).toEqual([a2.id, a1.id]);
    await store.updateAttempt({ ...a3, review: { status: "approved", atMs: T0 } });
    expect((await store.listOpenReviews({ limit: 10 })).map((a) => a.id)).toEqual([a4.id, a2.id, a1.id]);
    await store.purgeBefore(T0 - 2500, 10);
    expect((await store.listOpenReviews({ limit: 10 })).map((a) => a.id)).toEqual([a4.id]);
  });

  it("creates a secret once and keeps signing keys", async () => {
    const first = await store.getOrCreateSecret("k", () => Buffer.alloc(32, 1));
    const second = await store.getOrCreateSecret("k", () => Buffer.alloc(32, 2));
    expect(second).toEqual(first);
    const keys = [{ kid: "k1", privateJwk: { kty: "OKP" }, createdAtMs: T0 }];
    await store.putSigningKeys(keys);
    expect(await store.getSigningKeys()).toEqual(keys);
  });
});
