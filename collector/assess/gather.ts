import { IDENTIFIER_KINDS, type IdentifierKind } from "../identity/normalise.js";
import type { GraylistHop } from "../rules/types.js";
import type { GraylistEntry, HistoryEntry, IdentifierHashes, IdentifierRef, LinkedAttempt, Store } from "../store/types.js";

/** Earlier attempts read per identifier: enough for any window the rules use and for a device's history. */
const HISTORY_LIMIT = 1000;
/** Identifiers strong enough to carry a graylist hop; an IP or a name is shared by too many strangers. */
const HOP_KINDS: ReadonlySet<IdentifierKind> = new Set(["device", "email", "phone", "card", "customer", "address"]);
/** How many of the most recent linked attempts per identifier are followed for hops. */
const HOP_ATTEMPTS_PER_IDENTIFIER = 50;
const MAX_HOP_LOOKUPS = 400;
const MAX_LINKS = 20;

export interface Gathered {
  history: Partial<Record<IdentifierKind, HistoryEntry[]>>;
  graylist: Partial<Record<IdentifierKind, GraylistEntry>>;
  graylistHops: Partial<Record<IdentifierKind, GraylistHop>>;
  isTrusted: boolean;
  links: LinkedAttempt[];
}

/**
 * Everything the rules read from the store, in three batched rounds: each identifier's history,
 * then the graylist and trust for this attempt's identifiers, then the graylist for the identifiers
 * of linked attempts (one hop).
 */
export async function gather(store: Store, ids: IdentifierHashes, sinceMs: number): Promise<Gathered> {
  const present = IDENTIFIER_KINDS.filter((kind) => ids[kind] !== undefined);
  const own: IdentifierRef[] = present.map((kind) => ({ kind, hash: ids[kind]! }));
  const trustRefs = own.filter(({ kind }) => kind === "customer" || kind === "email");
  const [histories, direct, trusted] = await Promise.all([
    Promise.all(own.map(({ kind, hash }) => store.history(kind, hash, sinceMs, HISTORY_LIMIT))),
    store.listLookup("fraud", own),
    store.listLookup("legit", trustRefs),
  ]);

  const history: Gathered["history"] = {};
  const graylist: Gathered["graylist"] = {};
  present.forEach((kind, i) => {
    history[kind] = histories[i]!;
    if (direct[i]) graylist[kind] = direct[i]!;
  });

  const hopRefs: IdentifierRef[] = [];
  const hopSources: { kind: IdentifierKind; linked: HistoryEntry }[] = [];
  const seen = new Set(own.map(({ kind, hash }) => `${kind}:${hash}`));
  for (const kind of present) {
    if (!HOP_KINDS.has(kind)) continue;
    const entries = history[kind]!;
    for (let i = 0; i < entries.length && i < HOP_ATTEMPTS_PER_IDENTIFIER && hopRefs.length < MAX_HOP_LOOKUPS; i++) {
      const linked = entries[i]!;
      for (const [otherKind, hash] of Object.entries(linked.ids) as [IdentifierKind, string][]) {
        if (!HOP_KINDS.has(otherKind) || hopRefs.length >= MAX_HOP_LOOKUPS) continue;
        const key = `${otherKind}:${hash}`;
        if (seen.has(key)) continue;
        seen.add(key);
        hopRefs.push({ kind: otherKind, hash });
        hopSources.push({ kind, linked });
      }
    }
  }
  const hopHits = hopRefs.length > 0 ? await store.listLookup("fraud", hopRefs) : [];
  const graylistHops: Gathered["graylistHops"] = {};
  hopHits.forEach((hit, i) => {
    const source = hopSources[i]!;
    if (hit && !graylistHops[source.kind]) {
      graylistHops[source.kind] = { linkedAttemptId: source.linked.attemptId, via: hopRefs[i]!.kind, fraudAttemptId: hit.attemptId };
    }
  });

  return { history, graylist, graylistHops, isTrusted: trusted.some(Boolean), links: linksOf(history) };
}

/** The most recent earlier attempts sharing any identifier, each with the identifiers it shares. */
function linksOf(history: Gathered["history"]): LinkedAttempt[] {
  const lists = Object.entries(history) as [IdentifierKind, HistoryEntry[]][];
  const sinceMs = linkHorizonMs(lists);
  const byAttempt = new Map<string, LinkedAttempt>();
  for (const [kind, entries] of lists) {
    for (const entry of entries) {
      if (entry.tsMs < sinceMs) break;
      const link = byAttempt.get(entry.attemptId) ?? { attemptId: entry.attemptId, tsMs: entry.tsMs, via: [] };
      link.via.push(kind);
      byAttempt.set(entry.attemptId, link);
    }
  }
  return [...byAttempt.values()].sort((a, b) => b.tsMs - a.tsMs).slice(0, MAX_LINKS);
}

/**
 * A time no later than that of the MAX_LINKS-th most recent linked attempt, so the rest of each
 * history (newest first) can be skipped without changing the links: any MAX_LINKS entries of one history are that many distinct
 * attempts, none older than the oldest of them. Spares mapping and sorting every entry of a busy
 * IP's or network's history.
 */
function linkHorizonMs(lists: [IdentifierKind, HistoryEntry[]][]): number {
  let horizonMs = -Infinity;
  for (const [, entries] of lists) {
    if (entries.length < MAX_LINKS) continue;
    let oldestMs = Infinity;
    for (let i = 0; i < MAX_LINKS; i++) oldestMs = Math.min(oldestMs, entries[i]!.tsMs);
    horizonMs = Math.max(horizonMs, oldestMs);
  }
  return horizonMs;
}
