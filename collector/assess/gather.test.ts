import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory/memory-store.js";
import { evaluate, historyReach, type Evaluation } from "../engine.js";
import type { IdentifierKind } from "../identity/normalise.js";
import { DEFAULT_RULESET } from "../rules/default-ruleset.js";
import type { RuleContext } from "../rules/types.js";
import type { AttemptRecord, GraylistView, HistoryEntry, IdentifierHashes, ListEntry, Store } from "../store/types.js";
import { gather, reachAt, readRound } from "./gather.js";
import type { Order } from "./request.js";

const T0 = Date.UTC(2026, 10, 20, 12);

function attempt(id: string, tsMs: number, ids: IdentifierHashes): AttemptRecord {
  return { id, siteKey: "pk_a", orderId: `ord_${id}`, tsMs, ids, answer: { decision: "allow" } as never };
}

/** A fraud, an attempt sharing its phone and an e-mail, a legit customer, and an earlier visit of the device. */
async function history(): Promise<{ store: MemoryStore; fraudEntries: ListEntry[] }> {
  const store = new MemoryStore();
  await store.recordAttempt(attempt("att_fraud", T0 - 5000, { phone: "p1", card: "c9", address: "a9" }));
  await store.recordAttempt(attempt("att_linked", T0 - 4000, { phone: "p1", email: "e1" }));
  await store.recordAttempt(attempt("att_device", T0 - 3000, { device: "d1", customer: "u1" }));
  const fraudEntries: ListEntry[] = [
    { list: "fraud", kind: "phone", hash: "p1", attemptId: "att_fraud", atMs: T0 - 100 },
    { list: "fraud", kind: "card", hash: "c9", attemptId: "att_fraud", atMs: T0 - 100 },
    { list: "fraud", kind: "address", hash: "a9", attemptId: "att_fraud", atMs: T0 - 100 },
  ];
  await store.putLabel({ attemptId: "att_fraud", label: "fraud", atMs: T0 - 100 }, fraudEntries.map(({ kind, hash }) => ({ kind, hash })), fraudEntries);
  await store.putLabel({ attemptId: "att_device", label: "legit", atMs: T0 - 50 }, [{ kind: "customer", hash: "u1" }], [
    { list: "legit", kind: "customer", hash: "u1", attemptId: "att_device", atMs: T0 - 50 },
  ]);
  return { store, fraudEntries };
}

/** The same store as one whose look-ups are round trips: with a graylist view, or with a view it cannot give yet. */
function withView(store: Store, view: GraylistView | undefined): Store {
  return Object.assign(Object.create(store) as Store, { graylistView: async () => view });
}

const IDS: IdentifierHashes = { device: "d1", email: "e1", card: "c9", customer: "u1", address: "a9" };

describe("gather", () => {
  it("gives the same history, graylist, hops, trust and links through a graylist view, without one, and with no view to give", async () => {
    const { store, fraudEntries } = await history();
    const byKey = new Map(fraudEntries.map((e) => [`${e.kind}:${e.hash}`, e]));
    const view: GraylistView = { lookup: (ref) => byKey.get(`${ref.kind}:${ref.hash}`) };
    const direct = await gather(store, IDS, 0);
    expect(direct.graylist).toEqual({ card: fraudEntries[1], address: fraudEntries[2] });
    expect(direct.graylistHops).toEqual({ email: { linkedAttemptId: "att_linked", via: "phone", fraudAttemptId: "att_fraud" } });
    expect(direct.isTrusted).toBe(true);
    expect(direct.history.device!.map((e) => e.attemptId)).toEqual(["att_device"]);
    expect(direct.links.map((l) => l.attemptId)).toEqual(["att_device", "att_linked", "att_fraud"]);
    for (const other of [withView(store, view), withView(store, undefined)]) {
      const gathered = await gather(other, IDS, 0);
      expect(gathered).toEqual(direct);
      // The graylist rule reports matches in this order.
      expect(Object.keys(gathered.graylist)).toEqual(["card", "address"]);
    }
  });

  it("reads in a second round what a first round read under another device, and drops what it read for none", async () => {
    const { store } = await history();
    const expected = await gather(store, IDS, 0);
    const otherDevice = readRound(store, { ...IDS, device: "d2" }, 0);
    expect(await gather(store, IDS, 0, otherDevice)).toEqual(expected);
    const { device: _device, ...noDevice } = IDS;
    expect(await gather(store, noDevice, 0, readRound(store, IDS, 0))).toEqual(await gather(store, noDevice, 0));
  });
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The store, recording each history read's kind, start and limit. */
function recording(store: Store): { store: Store; calls: { kind: string; sinceMs: number; limit: number }[] } {
  const calls: { kind: string; sinceMs: number; limit: number }[] = [];
  const wrapped = Object.assign(Object.create(store) as Store, {
    history: (kind: IdentifierKind, hash: string, sinceMs: number, limit: number) => {
      calls.push({ kind, sinceMs, limit });
      return store.history(kind, hash, sinceMs, limit);
    },
  });
  return { store: wrapped, calls };
}

/** A busy /24 network: 300 attempts over the last 60 days, 12 of them within the last hour, and a customer seen long ago. */
async function busyNetwork(): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (let i = 0; i < 300; i++) {
    const tsMs = i < 12 ? T0 - (i + 1) * 60_000 : T0 - HOUR - i * 4 * HOUR;
    await store.recordAttempt(attempt(`att_n${i}`, tsMs, { ip_net: "n1", ip: `ip${i % 7}`, device: `d${i % 40}`, email: `e${i}` }));
  }
  await store.recordAttempt(attempt("att_old_customer", T0 - 80 * DAY, { customer: "u1" }));
  return store;
}

describe("gather with a reach per identifier kind", () => {
  const SINCE = T0 - 90 * DAY;
  const NET: IdentifierHashes = { ip_net: "n1", ip: "ip3", device: "d7", customer: "u1" };

  it("reads a busy network only as far back as the rules read it, plus the newest entries links follow", async () => {
    const { store, calls } = recording(await busyNetwork());
    const gathered = await gather(store, NET, reachAt(T0, SINCE, { ip_net: HOUR, ip: HOUR, customer: Infinity }));
    expect(calls.filter((c) => c.kind === "ip_net")).toEqual([
      { kind: "ip_net", sinceMs: T0 - HOUR, limit: 1000 },
      { kind: "ip_net", sinceMs: SINCE, limit: 21 },
    ]);
    // The device and the customer (read any time) are read over the whole retention, once.
    expect(calls.filter((c) => c.kind === "device" || c.kind === "customer")).toEqual([
      { kind: "device", sinceMs: SINCE, limit: 1000 },
      { kind: "customer", sinceMs: SINCE, limit: 1000 },
    ]);
    expect(gathered.history.ip_net).toHaveLength(21);
    expect(gathered.history.customer!.map((e) => e.attemptId)).toEqual(["att_old_customer"]);
  });

  it("still gives a rule with a long window on the same kind every entry it reads, as the whole read does", async () => {
    const real = await busyNetwork();
    const { store, calls } = recording(real);
    const whole = await gather(real, NET, SINCE);
    expect(whole.history.ip_net).toHaveLength(300);
    const long = await gather(store, NET, reachAt(T0, SINCE, { ip_net: 30 * DAY }));
    expect(calls.filter((c) => c.kind === "ip_net")).toEqual([
      { kind: "ip_net", sinceMs: T0 - 30 * DAY, limit: 1000 },
      { kind: "ip_net", sinceMs: SINCE, limit: 21 },
    ]);
    const within = (entries: HistoryEntry[], windowMs: number) => entries.filter((e) => e.tsMs >= T0 - windowMs).map((e) => e.attemptId);
    expect(within(long.history.ip_net!, 30 * DAY)).toEqual(within(whole.history.ip_net!, 30 * DAY));
    expect(within(long.history.ip_net!, 30 * DAY)).toHaveLength(12 + 168);
    expect(long.links).toEqual(whole.links);
  });

  it("reads a weak kind no rule reads only for links, and a strong one whole", async () => {
    const { store, calls } = recording(await busyNetwork());
    const gathered = await gather(store, NET, reachAt(T0, SINCE, {}));
    expect(calls.filter((c) => c.kind === "ip_net")).toEqual([{ kind: "ip_net", sinceMs: SINCE, limit: 21 }]);
    // A strong identifier is read whole, as the hops and the device block need.
    expect(calls.filter((c) => c.kind === "customer" || c.kind === "device")).toEqual([
      { kind: "device", sinceMs: SINCE, limit: 1000 },
      { kind: "customer", sinceMs: SINCE, limit: 1000 },
    ]);
    expect(gathered.links).toEqual((await gather(await busyNetwork(), NET, SINCE)).links);
  });

  it("reads a history whole when the links' horizon falls on a millisecond its newest entries share with older ones", async () => {
    const store = new MemoryStore();
    // 30 attempts of one network in the same millisecond: which of them are links depends on entries past the 21st.
    for (let i = 0; i < 30; i++) await store.recordAttempt(attempt(`att_t${String(i).padStart(2, "0")}`, T0 - 1000, { ip_net: "n1", ip: `ip${i}` }));
    const ids: IdentifierHashes = { ip_net: "n1", ip: "ip25" };
    const { store: recorded, calls } = recording(store);
    const gathered = await gather(recorded, ids, reachAt(T0, SINCE, {}));
    expect(calls.filter((c) => c.kind === "ip_net")).toEqual([
      { kind: "ip_net", sinceMs: SINCE, limit: 21 },
      { kind: "ip_net", sinceMs: SINCE, limit: 1000 },
    ]);
    expect(gathered.links).toEqual((await gather(store, ids, SINCE)).links);
  });

  it("gives the same rule outcomes, links, hops and device history as reading every history whole, on a store full of ties", async () => {
    const store = new MemoryStore();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = (prefix: string, n: number) => `${prefix}${Math.floor(random() * n)}`;
    const idsOf = (): IdentifierHashes => {
      const ids: IdentifierHashes = { ip_net: pick("n", 3), ip: pick("i", 12), email: pick("e", 150), address: pick("a", 60), name: pick("m", 80) };
      if (random() < 0.7) ids.device = pick("d", 60);
      if (random() < 0.5) ids.customer = pick("u", 100);
      if (random() < 0.5) ids.phone = pick("p", 90);
      if (random() < 0.6) ids.card = pick("c", 120);
      return ids;
    };
    for (let i = 0; i < 1500; i++) {
      // Whole minutes over 60 days, denser in the last six hours: many attempts share a millisecond.
      const tsMs = T0 - (random() < 0.15 ? Math.floor(random() * 360) : Math.floor(random() * 60 * 24 * 60)) * 60_000 - 60_000;
      await store.recordAttempt(attempt(`att_${String(i).padStart(4, "0")}`, tsMs, idsOf()));
    }
    const frauds = ["att_0003", "att_0100", "att_0777"];
    for (const attemptId of frauds) {
      const record = (await store.getAttempt(attemptId))!;
      const refs = (Object.entries(record.ids) as [IdentifierKind, string][]).map(([kind, hash]) => ({ kind, hash }));
      await store.putLabel({ attemptId, label: "fraud", atMs: T0 - 1 }, refs, refs.map((ref) => ({ list: "fraud", ...ref, attemptId, atMs: T0 - 1 })));
    }
    const rulesets = [DEFAULT_RULESET];
    const reach = reachAt(T0, SINCE, historyReach(rulesets));
    const order: Order = {
      id: "ord_x",
      amount: 90_000,
      currency: "EUR",
      shipping: { line1: "1 Road", city: "Town", postalCode: "111", country: "SE" },
      billing: { line1: "2 Street", city: "City", postalCode: "222", country: "DE" },
    };
    let ties = 0;
    for (let i = 0; i < 150; i++) {
      const ids = idsOf();
      const { store: recorded, calls } = recording(store);
      const whole = await gather(store, ids, SINCE);
      const reached = await gather(recorded, ids, reach);
      const isTied = calls.filter((c) => c.kind === "ip_net").length > 2;
      if (isTied) ties += 1;
      expect(reached.links).toEqual(whole.links);
      expect(reached.graylistHops).toEqual(whole.graylistHops);
      expect(reached.graylist).toEqual(whole.graylist);
      expect(reached.history.device).toEqual(whole.history.device);
      const outcome = (gathered: typeof whole) => {
        const ctx: RuleContext = { nowMs: T0, siteKey: "pk_a", order, ids, history: gathered.history, graylist: gathered.graylist, graylistHops: gathered.graylistHops, isTrusted: gathered.isTrusted, tokenStatus: "valid", signals: undefined };
        const { decision, reasons } = evaluate(DEFAULT_RULESET, ctx, { enforceBudgets: false }) as Evaluation;
        return { decision, reasons };
      };
      expect(outcome(reached)).toEqual(outcome(whole));
      // The networks are busy: their old entries are not read (unless the links need a tie's).
      if (!isTied) expect(reached.history.ip_net!.length).toBeLessThan(whole.history.ip_net!.length);
    }
    expect(ties).toBeGreaterThan(0);
    expect(ties).toBeLessThan(150);
  });
});
