import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticAttempt } from "../../bench/assess-data.js";
import { priorRecord } from "../../bench/assess-fill.js";
import { RedisBulkWriter } from "../../bench/bulk-load-redis.js";
import { identifierHashes } from "../../collector/assess/identities.js";
import { IdentifierHasher } from "../../collector/identity/hash.js";
import { idFloor } from "../../collector/ids.js";
import { RedisStore } from "../../collector/store/redis/redis-store.js";
import { DEFAULT_RULESET_SOURCE } from "../../collector/rules/default-ruleset.js";
import type { AttemptRecord } from "../../collector/store/types.js";
import { OTHER_SITE_KEY, SECRET_KEY, SITE_KEY, startTestCollector } from "../helpers/collector.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { expectSameReads } from "../helpers/same-reads.js";

const RETENTION_MS = 90 * 86_400_000;
const SEED = 0x1badb002;
/** Synthetic shoppers, each recorded several times, so identifiers repeat and velocity rules have something to count. */
const SHOPPERS = 50;
const COUNT = 250;

/**
 * Prior attempts as the bench's builder makes them (bench/assess-fill.ts: synthetic orders, hashed with
 * the collector's code under the store's key), in time order over the last few hours, some under open
 * review and some for another site.
 */
function sampleRecords(hashKey: Buffer, nowMs: number): AttemptRecord[] {
  const hasher = new IdentifierHasher(hashKey);
  const records: AttemptRecord[] = [];
  for (let i = 0; i < COUNT; i++) {
    const tsMs = nowMs - (COUNT - i) * 41_000;
    const siteKey = i % 9 === 4 ? OTHER_SITE_KEY : SITE_KEY;
    const { request, deviceId, hasToken } = syntheticAttempt(i % SHOPPERS, SEED, 0.65);
    const ids = identifierHashes(hasher, { siteKey, order: request.order, ip: request.ip, ...(deviceId === undefined ? {} : { deviceId }) });
    const id = `${idFloor("att", tsMs)}${randomBytes(10).toString("base64url")}`;
    const record = priorRecord({ id, orderId: `ord_prior_${i}`, tsMs, ids, ...(hasToken ? { tokenJti: randomBytes(16).toString("base64url") } : {}) }, siteKey);
    if (i % 10 === 0) record.review = { status: "open", atMs: tsMs };
    records.push(record);
  }
  return records;
}

/** Every key on the server: its type, its value (strings as hex, sets sorted), and its expiry time (PEXPIRETIME). */
async function dump(url: string): Promise<Record<string, unknown>> {
  const client = new Redis(url);
  try {
    const out: Record<string, unknown> = {};
    let cursor = "0";
    do {
      const [next, found] = await client.scan(cursor, "COUNT", "1000");
      cursor = next;
      for (const key of found) {
        const type = await client.type(key);
        const value =
          type === "string" ? (await client.getBuffer(key))!.toString("hex")
          : type === "zset" ? await client.zrange(key, "0", "-1", "WITHSCORES")
          : type === "set" ? (await client.smembers(key)).sort()
          : type === "hash" ? await client.hgetall(key)
          : `unexpected type ${type}`;
        out[key] = { type, value, expiresAtMs: await client.call("PEXPIRETIME", key) };
      }
    } while (cursor !== "0");
    return out;
  } finally {
    client.disconnect();
  }
}

/** The default rules with budgets no busy test machine misses: the answers compared must not depend on the scheduler. */
const UNHURRIED = {
  ...DEFAULT_RULESET_SOURCE,
  rules: Object.fromEntries(Object.entries(DEFAULT_RULESET_SOURCE.rules).map(([id, params]) => [id, { ...params, budgetMs: 10_000 }])),
};
const unhurriedCollector = (url: string) =>
  startTestCollector({ store: { kind: "redis", url }, rulesets: { unhurried: UNHURRIED }, sites: [{ siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: ["http://127.0.0.1:1"], rules: "unhurried" }] });
const withoutTimings = (answer: { id: string; matrix: { ms: number }[] }) => ({ ...answer, id: undefined, matrix: answer.matrix.map((row) => ({ ...row, ms: undefined })) });

describe("the benchmarks' Redis bulk loader", () => {
  let viaStore: RedisServer;
  let viaBulk: RedisServer;
  const hashKey = randomBytes(32);
  const nowMs = Date.now();
  const records = sampleRecords(hashKey, nowMs);

  beforeAll(async () => {
    const options = { appendfsync: "everysec" as const, extraArgs: ["--zset-max-listpack-value", "1024"] };
    [viaStore, viaBulk] = await Promise.all([startRedis(options), startRedis(options)]);
    const store = new RedisStore({ url: viaStore.url }, { retentionMs: RETENTION_MS });
    const bulkStore = new RedisStore({ url: viaBulk.url }, { retentionMs: RETENTION_MS });
    try {
      // The hash key through each store, as the loader and the collector get it.
      expect(await store.getOrCreateSecret("identifier-hash-key", () => hashKey)).toEqual(hashKey);
      expect(await bulkStore.getOrCreateSecret("identifier-hash-key", () => hashKey)).toEqual(hashKey);
      for (const record of records) await store.recordAttempt(record);
    } finally {
      await store.close();
      await bulkStore.close();
    }
    const writer = await RedisBulkWriter.connect(viaBulk.url, RETENTION_MS);
    try {
      await Promise.all([writer.write(records.slice(0, 100)), writer.write(records.slice(100))]);
    } finally {
      await writer.close();
    }
  });
  afterAll(async () => {
    await Promise.all([viaStore?.destroy(), viaBulk?.destroy()]);
  });

  it("writes exactly the keys, values, scores and expiry times RedisStore.recordAttempt writes", async () => {
    const [expected, actual] = await Promise.all([dump(viaStore.url), dump(viaBulk.url)]);
    expect(Object.keys(expected).length).toBeGreaterThan(COUNT);
    expect(actual).toEqual(expected);
  });

  it("reads back the same through the store: attempts, orders, token uses, each identifier's history, open reviews", async () => {
    const [a, b] = [new RedisStore({ url: viaStore.url }, { retentionMs: RETENTION_MS }), new RedisStore({ url: viaBulk.url }, { retentionMs: RETENTION_MS })];
    try {
      expect((await b.listOpenReviews({ limit: 1000 })).length).toBe(COUNT / 10);
      const repeated = await expectSameReads(a, b, records);
      expect(repeated).toBeGreaterThan(records.length / 7);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("gives a collector on each the same answers to the same assesses", async () => {
    const [a, b] = await Promise.all([unhurriedCollector(viaStore.url), unhurriedCollector(viaBulk.url)]);
    try {
      const reasons = new Set<string>();
      for (const shopper of [0, 1, 7, 23]) {
        const { request } = syntheticAttempt(shopper, SEED, 0.65);
        const body = { ...request, order: { ...request.order, id: `ord_now_${shopper}` } };
        const onStore = await a.api("POST", "/v1/assess", body);
        const onBulk = await b.api("POST", "/v1/assess", body);
        expect(onStore.status).toBe(200);
        expect(withoutTimings(onBulk.body)).toEqual(withoutTimings(onStore.body));
        for (const reason of onStore.body.reasons as { rule: string }[]) reasons.add(reason.rule);
      }
      // The prior history counts: each shopper's e-mail was seen COUNT / SHOPPERS times in the last hours.
      expect(reasons.size).toBeGreaterThan(1);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });

  it("fails a write the server refuses, with the server's error", async () => {
    const server = await startRedis({ appendfsync: "everysec" });
    const client = new Redis(server.url);
    const writer = await RedisBulkWriter.connect(server.url, RETENTION_MS);
    try {
      await client.set("vakt:{index}:sites", "not a set");
      await expect(writer.write(records.slice(0, 3))).rejects.toThrow(/refused a bulk-load command: WRONGTYPE/);
    } finally {
      await writer.close();
      client.disconnect();
      await server.destroy();
    }
  });
});
