import { IDENTIFIER_KINDS, type IdentifierKind } from "../identity/normalise.js";
import type { GraylistHop, HistoryReads } from "../rules/types.js";
import type {
  GraylistEntry,
  GraylistView,
  HistoryEntry,
  IdentifierHashes,
  IdentifierKey,
  IdentifierRef,
  LinkedAttempt,
  ListEntry,
  LocalNumbers,
  LocalReads,
  Store,
} from "../store/types.js";

/** Earlier attempts read per identifier: enough for any window the rules use and for a device's history. */
const HISTORY_LIMIT = 1000;
/** Identifiers strong enough to carry a graylist hop; an IP or a name is shared by too many strangers. */
const HOP_KINDS: ReadonlySet<IdentifierKind> = new Set(["device", "email", "phone", "card", "customer", "address"]);
/** How many of the most recent linked attempts per identifier are followed for hops. */
const HOP_ATTEMPTS_PER_IDENTIFIER = 50;
const MAX_HOP_LOOKUPS = 400;
const MAX_LINKS = 20;

/**
 * How far back to read each identifier's history. `sinceMs` is the start of the whole read (the
 * retention, or a longer window a rule asks for); `kindSinceMs` gives, per kind, the later start that
 * is all the rules read of that kind (Infinity: no rule reads it). A kind left out is read from `sinceMs`.
 *
 * Only the kinds strangers share (an IP, a network, a name) are read short: theirs are the long
 * histories (a busy /24 network's), and besides what the rules read only their newest entries are
 * followed, for links. A strong identifier's history is short, and the graylist hops follow its 50
 * newest entries and the device block counts the device's whole history: those are read whole, in one
 * read rather than two.
 */
export interface HistoryReach {
  sinceMs: number;
  kindSinceMs?: Partial<Record<IdentifierKind, number>>;
  /**
   * False when the caller never reads `links` (a backtest): a kind read short is then read only as far
   * as the rules read it, without its newest entries for links, and not at all when no rule reads it.
   */
  links?: boolean;
}

/** The reach for an attempt at `nowMs`, from the whole read's start and what the rules read (engine's historyReach). */
export function reachAt(nowMs: number, sinceMs: number, reads: HistoryReads, links = true): HistoryReach {
  const kindSinceMs: Partial<Record<IdentifierKind, number>> = {};
  for (const kind of IDENTIFIER_KINDS) {
    const ms = reads[kind];
    const kindSince = ms === undefined ? Infinity : Math.max(sinceMs, nowMs - ms);
    if (kindSince > sinceMs) kindSinceMs[kind] = kindSince;
  }
  return links ? { sinceMs, kindSinceMs } : { sinceMs, kindSinceMs, links };
}

/** The start of the rules' read of this kind: `sinceMs` for the whole read, Infinity for none. */
function kindSince(reach: HistoryReach, kind: IdentifierKind): number {
  return HOP_KINDS.has(kind) ? reach.sinceMs : (reach.kindSinceMs?.[kind] ?? reach.sinceMs);
}

/**
 * One more than MAX_LINKS: a history cut there ends before the links' horizon unless its last two
 * entries share a millisecond (see readTiedLinks); cut at MAX_LINKS it would end at the horizon whenever
 * it sets it.
 */
const LINK_COUNT = MAX_LINKS + 1;

/** What was gathered for an attempt, with identifiers as the store's keys (`K`: a live store's are text). */
export interface Gathered<K extends IdentifierKey = string> {
  history: Partial<Record<IdentifierKind, HistoryEntry<K>[]>>;
  graylist: Partial<Record<IdentifierKind, GraylistEntry<K>>>;
  graylistHops: Partial<Record<IdentifierKind, GraylistHop>>;
  isTrusted: boolean;
  links: LinkedAttempt[];
}

/** What one round of reads brought for some identifiers. */
export interface Round {
  sinceMs: number;
  /**
   * Per kind: the identifier read, its history, its graylist entry when the round looked it up (stores
   * without a view), and for a customer or e-mail its `legit` entry.
   */
  read: Partial<Record<IdentifierKind, RoundRead>>;
  /** The store's graylist view, when the round asked for it and the store had one. */
  view?: GraylistView | undefined;
}

/**
 * One identifier's read: `kindSinceMs` as planned for it; `cut` when its history is only the newest
 * entries gather follows (read by count), so an older entry with the same time as the last may exist.
 */
interface RoundRead {
  hash: string;
  kindSinceMs: number;
  history: HistoryEntry[];
  cut?: boolean;
  graylisted?: GraylistEntry | undefined;
  trusted?: ListEntry | undefined;
}

const isTrustKind = (kind: IdentifierKind) => kind === "customer" || kind === "email";

/**
 * One round of reads for these identifiers: each one's history, the `legit` look-ups for customer and
 * e-mail, and the graylist, through the store's view when it offers one (`withView`) and otherwise by
 * direct look-ups. Every read is issued before the first await, so a networked store sends them (and
 * whatever else the caller issues in the same tick, such as the token's session) as one round trip.
 */
export function readRound(store: Store, ids: IdentifierHashes, reachOrSinceMs: HistoryReach | number, withView = true): Promise<Round> {
  const reach = typeof reachOrSinceMs === "number" ? { sinceMs: reachOrSinceMs } : reachOrSinceMs;
  const { sinceMs } = reach;
  const refs: IdentifierRef[] = IDENTIFIER_KINDS.filter((kind) => ids[kind] !== undefined).map((kind) => ({ kind, hash: ids[kind]! }));
  const trustRefs = refs.filter(({ kind }) => isTrustKind(kind));
  const hasView = store.graylistView !== undefined;
  // Per identifier, the rules' read (from its kind's start, up to HISTORY_LIMIT) and, when that starts
  // later than `sinceMs`, the newest entries gather follows. Both are newest-first prefixes of the same
  // list, so together they are the longer of the two. All are issued here, in the same round.
  // A store that reads both in one (historyReaching) gives the longer directly.
  const starts = refs.map(({ kind }) => kindSince(reach, kind));
  const reaching = store.historyReaching?.bind(store);
  const isShort = (i: number) => starts[i]! > sinceMs && reach.links !== false;
  const byRules = refs.map(({ kind, hash }, i) => {
    if (reaching && isShort(i)) return reaching(kind, hash, starts[i]!, HISTORY_LIMIT, sinceMs, LINK_COUNT);
    return starts[i]! === Infinity ? undefined : store.history(kind, hash, starts[i]!, HISTORY_LIMIT);
  });
  const byCount = refs.map(({ kind, hash }, i) => (!reaching && isShort(i) ? store.history(kind, hash, sinceMs, LINK_COUNT) : undefined));
  return Promise.all([
    Promise.all([Promise.all(byRules), Promise.all(byCount)]),
    hasView ? undefined : store.listLookup("fraud", refs),
    store.listLookup("legit", trustRefs),
    hasView && withView ? store.graylistView!() : undefined,
  ]).then(([[ruled, counted], direct, trusted, view]) => {
    const read: Round["read"] = {};
    refs.forEach(({ kind, hash }, i) => {
      const own = counted[i];
      const rules = ruled[i];
      let entry: RoundRead;
      if (reaching && isShort(i)) {
        // Longer than the rules' read only when it went past their window for the newest entries.
        const both = rules!;
        entry = { hash, kindSinceMs: starts[i]!, history: both, cut: both.length >= LINK_COUNT && both.at(-1)!.tsMs < starts[i]! };
      } else if (own === undefined || (rules !== undefined && rules.length >= own.length)) {
        // No read at all only for a kind no rule reads, when links are not wanted either.
        entry = { hash, kindSinceMs: starts[i]!, history: rules ?? [] };
      } else {
        entry = { hash, kindSinceMs: starts[i]!, history: own, cut: own.length >= LINK_COUNT };
      }
      if (direct) entry.graylisted = direct[i];
      read[kind] = entry;
    });
    trustRefs.forEach(({ kind }, i) => (read[kind]!.trusted = trusted[i]));
    return { sinceMs, read, view };
  });
}

/**
 * Everything the rules read from the store: each identifier's history, the graylist and trust for this
 * attempt's identifiers, and the graylist for the identifiers of linked attempts (one hop). `first` is
 * a round already under way (read with the identifiers the token promised, beside the token's own
 * reads); identifiers it did not read (the session showed another device) are read in a second round.
 * With the store's graylist view the hops need no round of their own; without one they take one.
 */
export async function gather(store: Store, ids: IdentifierHashes, reachOrSinceMs: HistoryReach | number, first?: Promise<Round>): Promise<Gathered> {
  const reach = typeof reachOrSinceMs === "number" ? { sinceMs: reachOrSinceMs } : reachOrSinceMs;
  if (first === undefined && store.local !== undefined) return gatherLocal(store.local, ids, reach);
  const { sinceMs } = reach;
  const present = IDENTIFIER_KINDS.filter((kind) => ids[kind] !== undefined);
  const own: IdentifierRef[] = present.map((kind) => ({ kind, hash: ids[kind]! }));
  const round = await (first ?? readRound(store, ids, reach));
  const isRead = ({ kind, hash }: IdentifierRef) => round.sinceMs === sinceMs && round.read[kind]?.hash === hash && round.read[kind]!.kindSinceMs === kindSince(reach, kind);
  let unread: IdentifierHashes | undefined;
  for (const ref of own) if (!isRead(ref)) (unread ??= {})[ref.kind] = ref.hash;
  const second = unread && (await readRound(store, unread, reach, false));
  const view = round.view;

  const history: Gathered["history"] = {};
  const cut: IdentifierRef[] = [];
  const direct: (GraylistEntry | undefined)[] = [];
  /** Own identifiers whose graylist entry is still to be looked up (a store with a view that had none to give). */
  const directRefs: IdentifierRef[] = [];
  const directAt: number[] = [];
  let isTrusted = false;
  own.forEach((ref, i) => {
    const read = isRead(ref) ? round.read[ref.kind]! : second!.read[ref.kind]!;
    history[ref.kind] = read.history;
    if (read.cut) cut.push(ref);
    if (read.trusted) isTrusted = true;
    if ("graylisted" in read) direct[i] = read.graylisted;
    else if (view) direct[i] = view.lookup(ref);
    else {
      directRefs.push(ref);
      directAt.push(i);
    }
  });

  await readTiedLinks(store, sinceMs, history, cut);

  const hops = hopsToLookUp(ids, present, history);
  let hopHit: (ref: IdentifierRef, i: number) => GraylistEntry | undefined;
  if (view) hopHit = (ref) => view.lookup(ref);
  else if (hops.hopRefs.length + directRefs.length === 0) hopHit = () => undefined;
  else {
    const hits = await store.listLookup("fraud", [...directRefs, ...hops.hopRefs]);
    directAt.forEach((at, i) => (direct[at] = hits[i]));
    hopHit = (_ref, i) => hits[directRefs.length + i];
  }
  const graylist: Gathered["graylist"] = {};
  own.forEach((ref, i) => {
    if (direct[i]) graylist[ref.kind] = direct[i];
  });
  return new GatheredReads(reach.links !== false, history, graylist, graylistHopsOf(hops, hopHit), isTrusted);
}

/**
 * `gather` for a store whose reads are local: the same reads with the same answers, each made at once
 * (no promise per read, no round to assemble). A history read short is read in one pass (historyReaching).
 */
export function gatherLocal<K extends IdentifierKey>(local: LocalReads<K>, ids: IdentifierHashes<K>, reach: HistoryReach): Gathered<K> {
  local.startReads?.();
  try {
    return readLocal(local, ids, reach);
  } finally {
    local.endReads?.();
  }
}

function readLocal<K extends IdentifierKey>(local: LocalReads<K>, ids: IdentifierHashes<K>, reach: HistoryReach): Gathered<K> {
  const { sinceMs } = reach;
  const present: IdentifierKind[] = [];
  const history: Gathered<K>["history"] = {};
  const graylist: Gathered<K>["graylist"] = {};
  let isTrusted = false;
  let cut: IdentifierRef<K>[] | undefined;
  for (const kind of IDENTIFIER_KINDS) {
    const hash = ids[kind];
    if (hash === undefined) continue;
    present.push(kind);
    const start = kindSince(reach, kind);
    let entries: HistoryEntry<K>[];
    if (start > sinceMs && reach.links !== false) {
      entries = local.historyReaching(kind, hash, start, HISTORY_LIMIT, sinceMs, LINK_COUNT);
      if (entries.length >= LINK_COUNT && entries.at(-1)!.tsMs < start) (cut ??= []).push({ kind, hash });
    } else entries = start === Infinity ? [] : local.history(kind, hash, start, HISTORY_LIMIT);
    history[kind] = entries;
    const listed = local.listed("fraud", kind, hash);
    if (listed) graylist[kind] = listed;
    if (!isTrusted && isTrustKind(kind) && local.listed("legit", kind, hash)) isTrusted = true;
  }
  if (cut) for (const { kind, hash } of tiedLinks(history, cut)) history[kind] = local.history(kind, hash, sinceMs, HISTORY_LIMIT);

  const graylistHops = local.numbers ? numberedGraylistHops(local, local.numbers, ids, present, history) : undefined;
  return new GatheredReads(
    reach.links !== false,
    history,
    graylist,
    graylistHops ?? graylistHopsOf(hopsToLookUp(ids, present, history), ({ kind, hash }) => local.listed("fraud", kind, hash)),
    isTrusted,
    local.numbers,
  );
}

/**
 * Per kind of the attempt's own identifiers, the first hop found on the graylist, in look-up order.
 * `hit` gives a hop's graylist entry; only each kind's first hit is kept, so its later hops are not asked.
 */
function graylistHopsOf<K extends IdentifierKey>(
  { hopRefs, hopSources }: HopsToLookUp<K>,
  hit: (ref: IdentifierRef<K>, i: number) => GraylistEntry<K> | undefined,
): Gathered["graylistHops"] {
  const graylistHops: Gathered["graylistHops"] = {};
  for (let i = 0; i < hopRefs.length; i++) {
    const source = hopSources[i]!;
    if (graylistHops[source.kind]) continue;
    const found = hit(hopRefs[i]!, i);
    if (found) graylistHops[source.kind] = { linkedAttemptId: source.linked.attemptId, via: hopRefs[i]!.kind, fraudAttemptId: found.attemptId };
  }
  return graylistHops;
}

/** A class rather than a literal with a getter: an assess and every replayed attempt make one, and a literal's getter is slow to create. */
class GatheredReads<K extends IdentifierKey> implements Gathered<K> {
  constructor(
    private readonly hasLinks: boolean,
    readonly history: Gathered<K>["history"],
    readonly graylist: Gathered<K>["graylist"],
    readonly graylistHops: Gathered["graylistHops"],
    readonly isTrusted: boolean,
    private readonly numbers?: LocalNumbers<K>,
  ) {}

  /** Worked out when read: the assessor records them, a backtest replay never reads them. */
  get links(): LinkedAttempt[] {
    return this.hasLinks ? linksOf(this.history, this.numbers) : [];
  }
}

/**
 * The identifiers one hop away to look up on the graylist: those of the newest linked attempts of each
 * strong identifier, each once, with the kind whose history led to it.
 */
interface HopsToLookUp<K extends IdentifierKey> {
  hopRefs: IdentifierRef<K>[];
  hopSources: { kind: IdentifierKind; linked: HistoryEntry<K> }[];
}

function hopsToLookUp<K extends IdentifierKey>(ids: IdentifierHashes<K>, present: IdentifierKind[], history: Gathered<K>["history"]): HopsToLookUp<K> {
  const hopRefs: IdentifierRef<K>[] = [];
  const hopSources: { kind: IdentifierKind; linked: HistoryEntry<K> }[] = [];
  walkHops(textKeys<K>(), ids, present, history, (kind, linked, via, hash) => {
    hopRefs.push({ kind: via, hash });
    hopSources.push({ kind, linked });
  });
  return { hopRefs, hopSources };
}

/**
 * How the hop walk tells attempts and identifiers apart: `attempt` gives each linked attempt a key,
 * `own` an own identifier's key, `identifiers` a linked attempt's, in the order of its `ids`.
 */
interface HopKeys<K extends IdentifierKey, I> {
  attempt(entry: HistoryEntry<K>): string | number;
  own(kind: IdentifierKind, hash: K): I;
  identifiers(entry: HistoryEntry<K>, attempt: string | number, visit: (kind: IdentifierKind, key: I) => void): void;
}

/** Keys as text: the attempt id and the identifiers' hashes, which any store's entries have. */
function textKeys<K extends IdentifierKey>(): HopKeys<K, K> {
  return {
    attempt: (entry) => entry.attemptId,
    own: (_kind, hash) => hash,
    identifiers(entry, _attempt, visit) {
      const ids = entry.ids;
      // for-in rather than Object.entries: the same order, without an array per entry.
      for (const kind in ids) visit(kind as IdentifierKind, ids[kind as IdentifierKind]!);
    },
  };
}

/**
 * The hops, in look-up order: the identifiers of the newest linked attempts of each strong identifier,
 * each once, with the kind whose history led to them. `hop` is called for each.
 */
function walkHops<K extends IdentifierKey, I>(
  keys: HopKeys<K, I>,
  ids: IdentifierHashes<K>,
  present: IdentifierKind[],
  history: Gathered<K>["history"],
  hop: (kind: IdentifierKind, linked: HistoryEntry<K>, via: IdentifierKind, key: I) => void,
): void {
  let hops = 0;
  // The identifiers already looked up or to be, the attempt's own and each hop's, of all kinds in one
  // set: a store's keys of different kinds never coincide (each is keyed by its kind). Made at the first
  // linked attempt: many attempts (a new buyer on a new device) have none to walk.
  let seen: Set<I> | undefined;
  // A returning buyer's device, e-mail, card and address histories list the same earlier attempts: once
  // one has been walked, all its identifiers are in `seen` (or the look-ups are capped), so a second
  // walk would add nothing.
  let walked: Set<string | number> | undefined;
  for (const kind of present) {
    if (!HOP_KINDS.has(kind)) continue;
    const entries = history[kind]!;
    for (let i = 0; i < entries.length && i < HOP_ATTEMPTS_PER_IDENTIFIER && hops < MAX_HOP_LOOKUPS; i++) {
      const linked = entries[i]!;
      const attempt = keys.attempt(linked);
      if (walked === undefined || seen === undefined) {
        walked = new Set();
        seen = new Set();
        for (const own of present) if (HOP_KINDS.has(own)) seen.add(keys.own(own, ids[own]!));
      } else if (walked.has(attempt)) continue;
      walked.add(attempt);
      const seenKeys = seen;
      keys.identifiers(linked, attempt, (via, key) => {
        if (!HOP_KINDS.has(via) || hops >= MAX_HOP_LOOKUPS || seenKeys.has(key)) return;
        seenKeys.add(key);
        hops++;
        hop(kind, linked, via, key);
      });
    }
  }
}

/**
 * The graylist hops of a local store with numbers (LocalNumbers): the same hops in the same order, each
 * kind's first hit kept, as `graylistHopsOf(hopsToLookUp(...))` finds them, but walked on numbers, and
 * a hop's list read only when the store cannot rule it out. Undefined when an entry to walk is not
 * one of the store's own reads (the text walk then answers).
 */
function numberedGraylistHops<K extends IdentifierKey>(
  local: LocalReads<K>,
  numbers: LocalNumbers<K>,
  ids: IdentifierHashes<K>,
  present: IdentifierKind[],
  history: Gathered<K>["history"],
): Gathered["graylistHops"] | undefined {
  for (const kind of present) {
    if (!HOP_KINDS.has(kind)) continue;
    const entries = history[kind]!;
    for (let i = 0; i < entries.length && i < HOP_ATTEMPTS_PER_IDENTIFIER; i++) if (numbers.attemptOf(entries[i]!) === -1) return undefined;
  }
  const keys: HopKeys<K, number> = {
    attempt: (entry) => numbers.attemptOf(entry),
    own: (kind, hash) => numbers.identifierOf(kind, hash),
    identifiers: (_entry, attempt, visit) => numbers.forEachIdentifier(attempt as number, visit),
  };
  const graylistHops: Gathered["graylistHops"] = {};
  walkHops(keys, ids, present, history, (kind, linked, via, identifier) => {
    if (graylistHops[kind] || !numbers.mayBeFraudListed(identifier)) return;
    const found = local.listed("fraud", via, numbers.keyOf(identifier));
    if (found) graylistHops[kind] = { linkedAttemptId: linked.attemptId, via, fraudAttemptId: found.attemptId };
  });
  return graylistHops;
}

/**
 * A history read by count (only its newest entries) that ends exactly at the links' horizon may have
 * older entries of the same millisecond that the links would have included: read those histories
 * whole (as the rules' read would), in a round of their own. Needs exact ties, so it is rare.
 */
async function readTiedLinks(store: Store, sinceMs: number, history: Gathered["history"], cut: IdentifierRef[]): Promise<void> {
  if (cut.length === 0) return;
  const tied = tiedLinks(history, cut);
  if (tied.length === 0) return;
  const whole = await Promise.all(tied.map(({ kind, hash }) => store.history(kind, hash, sinceMs, HISTORY_LIMIT)));
  tied.forEach(({ kind }, i) => (history[kind] = whole[i]!));
}

/** Of the histories read by count, those that end exactly at the links' horizon (see readTiedLinks). */
function tiedLinks<K extends IdentifierKey>(history: Gathered<K>["history"], cut: IdentifierRef<K>[]): IdentifierRef<K>[] {
  const horizonMs = linkHorizonMs(Object.entries(history) as [IdentifierKind, HistoryEntry<K>[]][]);
  return cut.filter(({ kind }) => history[kind]!.at(-1)!.tsMs === horizonMs);
}

/**
 * The most recent earlier attempts sharing any identifier, each with the identifiers it shares. With
 * a local store's numbers, attempts are told apart by number, and only the links kept get their id as text.
 */
function linksOf<K extends IdentifierKey>(history: Gathered<K>["history"], numbers?: LocalNumbers<K>): LinkedAttempt[] {
  const lists = Object.entries(history) as [IdentifierKind, HistoryEntry<K>[]][];
  const sinceMs = linkHorizonMs(lists);
  // A number and a text never coincide as keys: an entry the store cannot number goes by its id.
  const byAttempt = new Map<string | number, { entry: HistoryEntry<K>; via: IdentifierKind[] }>();
  for (const [kind, entries] of lists) {
    for (const entry of entries) {
      if (entry.tsMs < sinceMs) break;
      const number = numbers ? numbers.attemptOf(entry) : -1;
      const key = number === -1 ? entry.attemptId : number;
      const link = byAttempt.get(key);
      if (link) link.via.push(kind);
      else byAttempt.set(key, { entry, via: [kind] });
    }
  }
  return [...byAttempt.values()]
    .sort((a, b) => b.entry.tsMs - a.entry.tsMs)
    .slice(0, MAX_LINKS)
    .map(({ entry, via }) => ({ attemptId: entry.attemptId, tsMs: entry.tsMs, via }));
}

/**
 * A time no later than that of the MAX_LINKS-th most recent linked attempt, so the rest of each
 * history (newest first) can be skipped without changing the links: any MAX_LINKS entries of one history are that many distinct
 * attempts, none older than the oldest of them. Spares mapping and sorting every entry of a busy
 * IP's or network's history.
 */
function linkHorizonMs(lists: [IdentifierKind, HistoryEntry<IdentifierKey>[]][]): number {
  let horizonMs = -Infinity;
  for (const [, entries] of lists) {
    if (entries.length < MAX_LINKS) continue;
    let oldestMs = Infinity;
    for (let i = 0; i < MAX_LINKS; i++) oldestMs = Math.min(oldestMs, entries[i]!.tsMs);
    horizonMs = Math.max(horizonMs, oldestMs);
  }
  return horizonMs;
}
