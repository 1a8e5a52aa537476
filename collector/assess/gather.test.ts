import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory/memory-store.js";
import type { AttemptRecord, GraylistView, IdentifierHashes, ListEntry, Store } from "../store/types.js";
import { gather, readRound } from "./gather.js";

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
