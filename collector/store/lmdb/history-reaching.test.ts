import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gather, reachAt, type HistoryReach } from "../../assess/gather.js";
import { historyReach } from "../../engine.js";
import { DEFAULT_RULESET } from "../../rules/default-ruleset.js";
import type { IdentifierKind } from "../../identity/normalise.js";
import type { AttemptRecord, HistoryEntry, IdentifierHashes, Label, ListEntry, Store } from "../types.js";
import { plainEntry } from "./identifier-history.js";
import { LmdbStore } from "./lmdb-store.js";

const T0 = Date.UTC(2026, 10, 20, 12);
const DAY = 86_400_000;
const SINCE = T0 - 90 * DAY;

/** A seeded store of 1,500 attempts over 60 days, in whole minutes: busy networks, and many attempts sharing a millisecond. */
function seeded(): { random: () => number; idsOf: () => IdentifierHashes } {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = (prefix: string, n: number) => `${prefix}${Math.floor(random() * n)}`;
  const idsOf = (): IdentifierHashes => {
    const ids: IdentifierHashes = { ip_net: pick("n", 3), ip: pick("i", 12), email: pick("e", 150), address: pick("a", 60), name: pick("m", 80) };
    if (random() < 0.7) ids.device = pick("d", 60);
    if (random() < 0.5) ids.customer = pick("u", 100);
    if (random() < 0.6) ids.card = pick("c", 120);
    return ids;
  };
  return { random, idsOf };
}

/** The same store without its one-read history (nor its local reads, which always read in one), as gather sees a store that lacks it. */
function withoutReaching(store: Store): Store {
  return Object.assign(Object.create(store) as Store, { historyReaching: undefined, local: undefined });
}

/** The same store read only through its promises, as gather reads a networked store. */
function withoutLocalReads(store: Store): Store {
  return Object.assign(Object.create(store) as Store, { local: undefined });
}

/** The same store with local reads that give no numbers, so gather walks the graylist hops on text. */
function withoutNumbers(store: LmdbStore): Store {
  return Object.assign(Object.create(store) as Store, { local: { ...store.local, numbers: undefined } });
}

describe("LMDB's one-read history (historyReaching)", () => {
  let dir: string;
  let store: LmdbStore;
  const { random, idsOf } = seeded();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vakt-reaching-"));
    store = new LmdbStore(dir, { durable: false });
    for (let i = 0; i < 1500; i++) {
      const tsMs = T0 - (random() < 0.15 ? Math.floor(random() * 360) : Math.floor(random() * 60 * 24 * 60)) * 60_000 - 60_000;
      const record: AttemptRecord = { id: `att_${String(i).padStart(4, "0")}`, siteKey: "pk_a", orderId: `ord_${i}`, tsMs, ids: idsOf(), answer: { decision: "allow" } as never };
      await store.recordAttempt(record);
      // Some attempts labelled, so that graylist matches, hops and trust are met.
      const label: Label | undefined = i % 37 === 5 ? "fraud" : i % 23 === 7 ? "legit" : undefined;
      if (label === undefined) continue;
      const refs = (Object.keys(record.ids) as IdentifierKind[]).map((kind) => ({ kind, hash: record.ids[kind]! }));
      const entries: ListEntry[] = refs.map(({ kind, hash }) => ({ list: label, kind, hash, attemptId: record.id, atMs: tsMs }));
      await store.putLabel({ attemptId: record.id, label, atMs: tsMs }, refs, entries);
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the longer of the window's read and the newest entries' read", async () => {
    let longerByCount = 0;
    let longerByWindow = 0;
    for (const net of ["n0", "n1", "n2"]) {
      for (const windowMs of [0, 60_000, 3_600_000, 6 * 3_600_000, 30 * DAY]) {
        for (const [limit, newest] of [[1000, 21], [5, 21], [21, 21], [40, 3]]) {
          const windowSinceMs = T0 - windowMs;
          const byWindow = await store.history("ip_net", net, windowSinceMs, limit!);
          const byCount = await store.history("ip_net", net, SINCE, newest!);
          const expected = byWindow.length >= byCount.length ? byWindow : byCount;
          if (byCount.length > byWindow.length) longerByCount += 1;
          else if (byWindow.length > byCount.length) longerByWindow += 1;
          expect(await store.historyReaching("ip_net", net, windowSinceMs, limit!, SINCE, newest!)).toEqual(expected);
        }
      }
    }
    // Both cases were met.
    expect(longerByCount).toBeGreaterThan(0);
    expect(longerByWindow).toBeGreaterThan(0);
  });

  /** Gathers 150 seeded attempts' identifiers from both stores and expects the same; counts what was met. */
  async function expectSameGather(actual: Store, expected: Store, reach: HistoryReach): Promise<{ graylist: number; hops: number; trusted: number }> {
    const met = { graylist: 0, hops: 0, trusted: 0 };
    for (let i = 0; i < 150; i++) {
      const ids = idsOf();
      const got = await gather(actual, ids, reach);
      const want = await gather(expected, ids, reach);
      expect(plainHistory(got.history)).toEqual(plainHistory(want.history));
      expect(got.graylist).toEqual(want.graylist);
      expect(got.graylistHops).toEqual(want.graylistHops);
      expect(got.isTrusted).toBe(want.isTrusted);
      expect(got.links).toEqual(want.links);
      if (Object.keys(got.graylist).length > 0) met.graylist += 1;
      if (Object.keys(got.graylistHops).length > 0) met.hops += 1;
      if (got.isTrusted) met.trusted += 1;
    }
    return met;
  }

  it("gives gather the same histories, links, hops and rule reads as two reads per identifier", async () => {
    await expectSameGather(store, withoutReaching(store), reachAt(T0, SINCE, historyReach([DEFAULT_RULESET])));
  });

  it("gathers the same through its local reads as through its promises, with and without links", async () => {
    for (const links of [true, false]) {
      const met = await expectSameGather(store, withoutLocalReads(store), reachAt(T0, SINCE, historyReach([DEFAULT_RULESET]), links));
      expect(met.graylist).toBeGreaterThan(0);
      expect(met.hops).toBeGreaterThan(0);
      expect(met.trusted).toBeGreaterThan(0);
    }
  });

  it("walks the graylist hops on its numbers to the same hops as on text", async () => {
    const met = await expectSameGather(store, withoutNumbers(store), reachAt(T0, SINCE, historyReach([DEFAULT_RULESET])));
    expect(met.hops).toBeGreaterThan(0);
  });

  it("without links, reads a kind no rule reads not at all and the others only as far as the rules do", async () => {
    const reads = historyReach([DEFAULT_RULESET]);
    const ids = idsOf();
    const { history, links } = await gather(store, { ...ids, name: "m1", ip_net: "n0" }, reachAt(T0, SINCE, reads, false));
    expect(reads.name).toBeUndefined();
    expect(history.name).toEqual([]);
    expect(history.ip_net!.map(plainEntry)).toEqual(await store.history("ip_net", "n0", T0 - reads.ip_net!, 1000));
    expect(links).toEqual([]);
  });
});

/** Each kind's entries as plain objects (the LMDB store's local reads give entries with accessors). */
function plainHistory(history: Partial<Record<string, HistoryEntry[]>>): Partial<Record<string, HistoryEntry[]>> {
  return Object.fromEntries(Object.entries(history).map(([kind, entries]) => [kind, entries!.map(plainEntry)]));
}
