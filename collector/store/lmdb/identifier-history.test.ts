import { describe, expect, it } from "vitest";
import type { IdentifierKind } from "../../identity/normalise.js";
import type { HistoryEntry, IdentifierHashes } from "../types.js";
import { encodeAttemptIdentifiers } from "./attempt-identifiers.js";
import { IdentifierHistory, plainEntry } from "./identifier-history.js";

interface Held {
  attemptId: string;
  siteKey: string;
  tsMs: number;
  ids: IdentifierHashes;
}

/** What the on-disk index answered: every attempt with the identifier, by time then id, newest first. */
function reference(held: Map<string, Held>, kind: IdentifierKind, hash: string): HistoryEntry[] {
  return [...held.values()]
    .filter((a) => a.ids[kind] === hash)
    .sort((a, b) => b.tsMs - a.tsMs || (a.attemptId < b.attemptId ? 1 : a.attemptId > b.attemptId ? -1 : 0));
}

function seeded(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe("the in-memory identifier history", () => {
  it("answers history and historyReaching as the sorted index did, through adds out of time order, shared milliseconds, removals, replaced attempts and reads in between", () => {
    const random = seeded(7);
    const pick = (prefix: string, n: number) => `${prefix}${Math.floor(random() * n)}`;
    const history = new IdentifierHistory();
    const held = new Map<string, Held>();
    // Reads between the writes as well: a read unlinks the removed attempts it passes.
    const check = (kind: IdentifierKind, hash: string) => expect(history.history(kind, hash, 0, 1_000_000).map(plainEntry)).toEqual(reference(held, kind, hash));
    for (let i = 0; i < 6000; i++) {
      if (i % 250 === 0) for (const [kind, hash] of [["ip_net", "n2"], ["ip", "i7"], ["device", "d9"]] as [IdentifierKind, string][]) check(kind, hash);
      const roll = random();
      if (roll < 0.05 && held.size > 0) {
        const victim = [...held.keys()][Math.floor(random() * held.size)]!;
        expect(history.remove(victim)).toBe(true);
        held.delete(victim);
        continue;
      }
      // Mostly in time order, as a live collector records; some late, many sharing a millisecond.
      const tsMs = roll < 0.8 ? 1_000_000 + i * 10 : 1_000_000 + Math.floor(random() * i) * 10;
      const attemptId = roll < 0.85 || held.size === 0 ? `att_${String(i).padStart(5, "0")}${pick("r", 100)}` : [...held.keys()][Math.floor(random() * held.size)]!;
      const ids: IdentifierHashes = { ip_net: pick("n", 4), ip: pick("i", 40), email: pick("e", 900) };
      if (random() < 0.7) ids.device = pick("d", 300);
      if (random() < 0.5) ids.card = pick("c", 2000);
      const siteKey = random() < 0.9 ? "pk_a" : "pk_b";
      history.add(attemptId, siteKey, tsMs, ids);
      held.set(attemptId, { attemptId, siteKey, tsMs, ids });
    }
    expect(history.size.attempts).toBe(held.size);
    const since = 1_000_000 + 3000 * 10;
    for (const [kind, hash] of [["ip_net", "n1"], ["ip", "i3"], ["email", "e17"], ["device", "d5"], ["card", "c42"], ["email", "nobody"]] as [IdentifierKind, string][]) {
      const all = reference(held, kind, hash);
      expect(history.history(kind, hash, 0, 1_000_000).map(plainEntry)).toEqual(all);
      expect(history.history(kind, hash, since, 25).map(plainEntry)).toEqual(all.filter((e) => e.tsMs >= since).slice(0, 25));
      const windowed = all.filter((e) => e.tsMs >= since).slice(0, 50);
      const newest = all.slice(0, 20);
      expect(history.historyReaching(kind, hash, since, 50, 0, 20).map(plainEntry)).toEqual(windowed.length >= newest.length ? windowed : newest);
    }
  });

  it("tells identifiers apart by kind and by their whole text, whatever the text", () => {
    const history = new IdentifierHistory();
    history.add("att_1", "pk_å", 1, { email: "same", phone: "same", name: "nämn ✓" });
    history.add("att_2", "pk_å", 2, { email: "samf", name: "nämn ✓ " });
    expect(history.history("phone", "same", 0, 10).map((e) => e.attemptId)).toEqual(["att_1"]);
    expect(history.history("email", "same", 0, 10).map((e) => e.attemptId)).toEqual(["att_1"]);
    expect(history.history("name", "nämn ✓", 0, 10).map(plainEntry)).toEqual([{ attemptId: "att_1", siteKey: "pk_å", tsMs: 1, ids: { email: "same", phone: "same", name: "nämn ✓" } }]);
    expect(history.history("device", "same", 0, 10).map(plainEntry)).toEqual([]);
    expect(history.size).toEqual({ attempts: 2, identifiers: 5 });
  });

  it("gives one entry per attempt between startReads and endReads, a new one per read outside", () => {
    const history = new IdentifierHistory();
    history.add("att_1", "pk_a", 10, { email: "e1", ip: "i1" });
    const outside = [history.history("email", "e1", 0, 10)[0], history.history("ip", "i1", 0, 10)[0]];
    expect(outside[0]).not.toBe(outside[1]);
    history.startReads();
    const [byEmail] = history.history("email", "e1", 0, 10);
    const [byIp] = history.historyReaching("ip", "i1", 0, 10, 0, 5);
    history.endReads();
    expect(byEmail).toBe(byIp);
    expect(byEmail!.ids).toBe(byIp!.ids);
    expect(plainEntry(byEmail!)).toEqual({ attemptId: "att_1", siteKey: "pk_a", tsMs: 10, ids: { email: "e1", ip: "i1" } });
    expect(history.history("email", "e1", 0, 10)[0]).not.toBe(byEmail);
  });

  it("forgets a removed attempt everywhere, and a replaced one's old identifiers", () => {
    const history = new IdentifierHistory();
    history.add("att_1", "pk_a", 10, { email: "e1", ip: "i1" });
    history.add("att_2", "pk_a", 20, { email: "e1" });
    expect(history.history("ip", "i1", 0, 10).map((e) => e.attemptId)).toEqual(["att_1"]);
    history.add("att_1", "pk_a", 30, { email: "e2" });
    expect(history.history("ip", "i1", 0, 10).map(plainEntry)).toEqual([]);
    expect(history.history("email", "e2", 0, 10).map(plainEntry)).toEqual([{ attemptId: "att_1", siteKey: "pk_a", tsMs: 30, ids: { email: "e2" } }]);
    expect(history.remove("att_2")).toBe(true);
    expect(history.remove("att_2")).toBe(false);
    expect(history.history("email", "e1", 0, 10).map(plainEntry)).toEqual([]);
    expect(history.size.attempts).toBe(1);
  });

  it("reads the same from the store's rows as from the attempts themselves", () => {
    const [fromAttempts, fromRows] = [new IdentifierHistory(), new IdentifierHistory()];
    const attempts = [
      { id: "att_2", siteKey: "pk_å", tsMs: 20, ids: { email: "q1Nn3Yp0x3J9cK2bX4f8Ag", name: "nämn ✓" } },
      { id: "att_1", siteKey: "pk_b", tsMs: 20, ids: { email: "q1Nn3Yp0x3J9cK2bX4f8Ag", ip: "i1" } },
      { id: "att_3", siteKey: "pk_å", tsMs: 5, ids: { ip: "i1" } },
    ];
    for (const a of attempts) {
      fromAttempts.add(a.id, a.siteKey, a.tsMs, a.ids);
      fromRows.addRow(a.id, encodeAttemptIdentifiers(a.tsMs, a.siteKey, a.ids));
    }
    for (const [kind, hash] of [["email", "q1Nn3Yp0x3J9cK2bX4f8Ag"], ["ip", "i1"], ["name", "nämn ✓"]] as [IdentifierKind, string][]) {
      expect(fromRows.history(kind, hash, 0, 10).map(plainEntry)).toEqual(fromAttempts.history(kind, hash, 0, 10).map(plainEntry));
    }
    expect(fromRows.history("email", "q1Nn3Yp0x3J9cK2bX4f8Ag", 0, 10).map((e) => e.attemptId)).toEqual(["att_2", "att_1"]);
    expect(fromRows.size).toEqual({ attempts: 3, identifiers: 3 });
  });
});
