/**
 * What the collector acknowledged survives a crash: a collector started from the CLI is killed with
 * SIGKILL at random moments while attempts and labels are written at a steady rate, restarted on the
 * same data, and every write that got a 200 must be there.
 *
 * Each store kind is one entry of STORE_KINDS: how to provision it and the config's `store` for it.
 * The Redis store (AOF, appendfsync always) crashes too: its server is SIGKILLed right after the
 * collector each time and restarted from its append-only file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fuzzRuns, fuzzTimeoutMs } from "../fuzz/runs.js";
import { startRedis } from "../helpers/redis.js";
import { spawnCollector, type ChildCollector } from "./child-collector.js";
import { rawRequest } from "./raw-http.js";

interface StoreKind {
  name: string;
  /** Provisions a store under `dir`; returns the config's `store` and how to tear it down. */
  provision(dir: string): Promise<ProvisionedStore>;
}

interface ProvisionedStore {
  store: Record<string, unknown>;
  /** Crashes the store's own server, if it has one, and brings it back. */
  crashAndRecover?(): Promise<void>;
  tearDown(): Promise<void>;
}

const STORE_KINDS: StoreKind[] = [
  { name: "lmdb", provision: async (dir) => ({ store: { kind: "lmdb", path: join(dir, "data") }, tearDown: async () => {} }) },
  {
    name: "redis",
    provision: async () => {
      const server = await startRedis({ appendfsync: "always" });
      return {
        store: { kind: "redis", url: server.url },
        async crashAndRecover() {
          await server.kill();
          await server.restart();
        },
        tearDown: () => server.destroy(),
      };
    },
  },
];

const SITE_KEY = "pk_test_crash";
const SECRET_KEY = "sk_test_crash_secret";
const WRITERS = 4;

interface Acknowledged {
  attempts: Map<string, string>;
  labels: Map<string, "fraud" | "legit">;
}

async function call(url: string, method: "GET" | "POST", path: string, body?: unknown) {
  return rawRequest(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Writers that assess new orders and label acknowledged ones (each at most once), back to back, until the collector is gone. */
function writeUntilKilled(url: string, cycle: number, acked: Acknowledged, labelled: Set<string>): Promise<void>[] {
  let seq = 0;
  const unlabelled: string[] = [];
  return Array.from({ length: WRITERS }, async (_, writer) => {
    for (let i = 0; i < 100_000; i++) {
      try {
        const target = i % 3 === 2 ? unlabelled.shift() : undefined;
        if (target) {
          const label = (seq++ % 2 === 0 ? "fraud" : "legit") as "fraud" | "legit";
          labelled.add(target);
          const res = await call(url, "POST", "/v1/labels", { attempt: target, label, reason: `cycle ${cycle}` });
          if (res.status === 200) acked.labels.set(target, label);
          else throw new Error(`label answered ${res.status}: ${res.text}`);
        } else {
          const orderId = `ord_c${cycle}_w${writer}_${seq++}`;
          const res = await call(url, "POST", "/v1/assess", { ip: `203.0.113.${seq % 250}`, order: { id: orderId, email: `buyer${seq % 50}@example.com`, amount: 1000 + seq } });
          if (res.status !== 200) throw new Error(`assess answered ${res.status}: ${res.text}`);
          acked.attempts.set(res.json.id, orderId);
          unlabelled.push(res.json.id);
        }
      } catch (err) {
        if (/ECONNREFUSED|ECONNRESET|socket hang up|EPIPE/.test(String((err as Error).message ?? err))) return;
        throw err;
      }
    }
  });
}

async function expectAllThere(url: string, acked: Acknowledged, attemptIds: Iterable<string>): Promise<void> {
  const missing: string[] = [];
  for (const id of attemptIds) {
    const res = await call(url, "GET", `/v1/attempts/${id}`);
    if (res.status !== 200 || res.json.orderId !== acked.attempts.get(id)) missing.push(`${id}: ${res.status}`);
    else if (acked.labels.has(id) && res.json.label?.label !== acked.labels.get(id)) missing.push(`${id}: label ${JSON.stringify(res.json.label)}, acknowledged ${acked.labels.get(id)}`);
  }
  expect(missing).toEqual([]);
}

describe.each(STORE_KINDS)("crash durability ($name store)", (kind) => {
  it("keeps every acknowledged attempt and label across SIGKILLs at random moments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vakt-crash-"));
    const { store, crashAndRecover, tearDown } = await kind.provision(dir);
    const acked: Acknowledged = { attempts: new Map(), labels: new Map() };
    const labelled = new Set<string>();
    let collector: ChildCollector | undefined;
    try {
      collector = await spawnCollector({ store, rateLimits: { apiPerKey: { burst: 1_000_000 }, apiPerIp: { burst: 1_000_000 } }, sites: [{ siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: ["http://127.0.0.1:1"] }] }, dir);
      const crashes = fuzzRuns(20);
      for (let cycle = 0; cycle < crashes; cycle++) {
        const before = new Set(acked.attempts.keys());
        const labelsBefore = new Set(acked.labels.keys());
        const writers = writeUntilKilled(collector.url, cycle, acked, labelled);
        const deadline = Date.now() + 10_000;
        while (acked.attempts.size === before.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 250));
        await collector.kill();
        await Promise.all(writers);
        await crashAndRecover?.();
        expect(acked.attempts.size, `cycle ${cycle} acknowledged nothing`).toBeGreaterThan(before.size);
        collector = await collector.restart();
        const touched = [...acked.attempts.keys()].filter((id) => !before.has(id) || (acked.labels.has(id) && !labelsBefore.has(id)));
        await expectAllThere(collector.url, acked, touched);
      }
      await expectAllThere(collector.url, acked, acked.attempts.keys());
      expect(acked.labels.size).toBeGreaterThan(crashes);
    } finally {
      await collector?.destroy();
      await tearDown();
    }
  }, fuzzTimeoutMs(120_000));
});
