import { IDENTIFIER_KINDS, type IdentifierKind } from "../../identity/normalise.js";
import type { HistoryEntry, IdentifierHashes, LocalNumbers } from "../types.js";
import { kindNumber, scanAttemptIdentifiers } from "./attempt-identifiers.js";
import { grown } from "../../typed-arrays.js";
import { TextTable } from "../../text-table.js";

const NONE = -1;

/**
 * Every identifier's attempts, newest first, held in memory: what the rules read of history, answered
 * without a disk read. It is the LMDB store's identifier index. Kept on disk, that index made each
 * attempt insert a dozen entries at random places in a B-tree of millions, and the acknowledgement
 * waited for the thousands of scattered pages that copied to be flushed; the store now writes one
 * compact row per attempt (attempt-identifiers.ts), appended in id order, and this is rebuilt from
 * those rows when the store opens.
 *
 * It is built of typed arrays, with no object or string per attempt or identifier: V8 visits every
 * page of the old generation in each young-generation collection, so millions of them would lengthen
 * every pause (see TextTable), and the pauses are the assess's tail latency.
 * - An identifier (kind and hash) is an entry of `identifiers`, its kind the entry's tag.
 * - An attempt is a number: its id (an entry of `attemptIds`), site, time, and its identifiers'
 *   postings, which are contiguous.
 * - A posting joins one attempt to one identifier. Each identifier's postings form a list from its
 *   newest (`heads`) through `postingNext`, in the order the on-disk index sorted them: time, then
 *   attempt id, newest first. An attempt recorded late is linked in at its place.
 * A removed attempt (retention, or a write that failed) is marked, and taken out of each list by the
 * first read that passes it; its memory is given back when the store next opens.
 */
export class IdentifierHistory {
  private readonly identifiers = new TextTable();
  /** By identifier: its newest posting (set for the first `knownIdentifiers`). */
  private heads = new Int32Array(1 << 11);
  private knownIdentifiers = 0;
  /** By identifier: 1 if it was put on the fraud list since the store opened or was on it then (see markFraudListed). */
  private fraudMarks = new Uint8Array(1 << 11);

  private postingIdentifiers = new Int32Array(1 << 12);
  private postingAttempts = new Int32Array(1 << 12);
  private postingNext = new Int32Array(1 << 12);
  private postingCount = 0;

  private readonly attemptIds = new TextTable();
  /** By entry of `attemptIds`: the attempt held under that id, or NONE (set for the first `knownIds`). */
  private attemptOfId = new Int32Array(1 << 10);
  private knownIds = 0;
  private attemptIdEntries = new Int32Array(1 << 10);
  private attemptTimes = new Float64Array(1 << 10);
  private attemptSites = new Int32Array(1 << 10);
  private attemptFirstPostings = new Int32Array(1 << 10);
  private attemptPostingCounts = new Uint8Array(1 << 10);
  private attemptRemoved = new Uint8Array(1 << 10);
  private attemptCount = 0;
  private removedCount = 0;

  /** Between startReads and endReads, the entry made for each attempt read. */
  private readEntries: Map<number, HeldEntry> | undefined;

  private readonly siteKeys: string[] = [];
  private readonly siteNumbers = new Map<string, number>();

  /** Attempts held (removed ones not counted), and the identifiers they use. */
  get size(): { attempts: number; identifiers: number } {
    return { attempts: this.attemptCount - this.removedCount, identifiers: this.identifiers.size };
  }

  /** Adds an attempt under each of its identifiers; an attempt already held under this id is replaced. */
  add(attemptId: string, siteKey: string, tsMs: number, ids: IdentifierHashes): void {
    const attempt = this.newAttempt(attemptId, siteKey, tsMs);
    for (const kind in ids) {
      const hash = ids[kind as IdentifierKind];
      if (hash === undefined) continue;
      this.post(attempt, this.identifiers.intern(kindNumber(kind as IdentifierKind), hash));
    }
  }

  /** `add` from a row of the attempt-identifiers database, without a string per identifier. */
  addRow(attemptId: string, row: Buffer): void {
    const identifiers: number[] = [];
    const { tsMs, siteKey } = scanAttemptIdentifiers(row, (kind, start, end) => identifiers.push(this.identifiers.internBytes(kind, row, start, end)));
    const attempt = this.newAttempt(attemptId, siteKey, tsMs);
    for (const identifier of identifiers) this.post(attempt, identifier);
  }

  /** Takes the attempt out of every identifier's history. Returns whether it was held. */
  remove(attemptId: string): boolean {
    const idEntry = this.attemptIds.find(0, attemptId);
    if (idEntry === NONE) return false;
    const attempt = this.attemptOfId[idEntry]!;
    if (attempt === NONE) return false;
    this.attemptOfId[idEntry] = NONE;
    this.attemptRemoved[attempt] = 1;
    this.removedCount++;
    return true;
  }

  /** Attempts that used this identifier at or after `sinceMs`, newest first, at most `limit`. */
  history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): HistoryEntry[] {
    return this.historyReaching(kind, hash, sinceMs, limit, sinceMs, 0);
  }

  /**
   * As the Store contract's historyReaching: the longer of the window's read (up to `limit` at or after
   * `windowSinceMs`) and the newest `newest` at or after `sinceMs`, in one pass, since both are newest-first
   * prefixes of the same list.
   */
  historyReaching(kind: IdentifierKind, hash: string, windowSinceMs: number, limit: number, sinceMs: number, newest: number): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const identifier = this.identifiers.find(kindNumber(kind), hash);
    if (identifier === NONE) return out;
    let previous = NONE;
    for (let posting = this.heads[identifier]!; posting !== NONE; posting = this.postingNext[posting]!) {
      const attempt = this.postingAttempts[posting]!;
      if (this.attemptRemoved[attempt] === 1) {
        this.unlink(identifier, previous, posting);
        continue;
      }
      const tsMs = this.attemptTimes[attempt]!;
      const n = out.length;
      if (!((n < limit && tsMs >= windowSinceMs) || (n < newest && tsMs >= sinceMs))) break;
      out.push(this.entry(attempt));
      previous = posting;
    }
    return out;
  }

  /**
   * Takes a removed attempt's posting out of its identifier's list as a read passes it, so that the
   * attempts retention removed (the oldest, at the lists' ends) are walked over once, not on every read
   * that reaches that far. The posting's own link is left as it is, so the walk goes on from it.
   */
  private unlink(identifier: number, previous: number, posting: number): void {
    if (previous === NONE) this.heads[identifier] = this.postingNext[posting]!;
    else this.postingNext[previous] = this.postingNext[posting]!;
  }

  /** A new attempt with no postings yet, in place of any attempt held under the same id. */
  private newAttempt(attemptId: string, siteKey: string, tsMs: number): number {
    const idEntry = this.attemptIds.intern(0, attemptId);
    for (; this.knownIds <= idEntry; this.knownIds++) {
      if (this.knownIds === this.attemptOfId.length) this.attemptOfId = grown(this.attemptOfId);
      this.attemptOfId[this.knownIds] = NONE;
    }
    if (this.attemptOfId[idEntry] !== NONE) this.remove(attemptId);
    const attempt = this.attemptCount++;
    if (attempt === this.attemptTimes.length) this.growAttempts();
    this.attemptOfId[idEntry] = attempt;
    this.attemptIdEntries[attempt] = idEntry;
    this.attemptTimes[attempt] = tsMs;
    this.attemptSites[attempt] = this.siteNumber(siteKey);
    this.attemptFirstPostings[attempt] = this.postingCount;
    return attempt;
  }

  /**
   * Notes that the identifier is on the fraud list, held even when no attempt has it (yet). A mark is
   * never taken back: an identifier taken off the list stays marked until the store next opens, which
   * only costs its hops a list read that finds nothing.
   */
  markFraudListed(kind: IdentifierKind, hash: string): void {
    const identifier = this.identifiers.intern(kindNumber(kind), hash);
    this.know(identifier);
    this.fraudMarks[identifier] = 1;
  }

  /** Gives identifiers up to this one an empty history, and room for their marks. */
  private know(identifier: number): void {
    for (; this.knownIdentifiers <= identifier; this.knownIdentifiers++) {
      if (this.knownIdentifiers === this.heads.length) {
        this.heads = grown(this.heads);
        this.fraudMarks = grown(this.fraudMarks);
      }
      this.heads[this.knownIdentifiers] = NONE;
    }
  }

  /** The numbers behind this history's entries, for the graylist hops' walk (LocalNumbers). */
  readonly numbers: LocalNumbers = {
    attemptOf: (entry) => (entry instanceof HeldEntry ? entry.attemptIn(this) : NONE),
    identifierOf: (kind, hash) => this.identifiers.find(kindNumber(kind), hash),
    forEachIdentifier: (attempt, visit) => this.forEachIdentifier(attempt, visit),
    mayBeFraudListed: (identifier) => this.fraudMarks[identifier] === 1,
    keyOf: (identifier) => this.identifiers.text(identifier),
  };

  /** Joins the attempt (the newest made) to one of its identifiers. */
  private post(attempt: number, identifier: number): void {
    this.know(identifier);
    const posting = this.postingCount++;
    if (posting === this.postingNext.length) this.growPostings();
    this.postingIdentifiers[posting] = identifier;
    this.postingAttempts[posting] = attempt;
    this.attemptPostingCounts[attempt] = this.attemptPostingCounts[attempt]! + 1;
    this.link(identifier, posting, attempt);
  }

  /** Links a new posting into its identifier's list, after every posting of a newer attempt. */
  private link(identifier: number, posting: number, attempt: number): void {
    let previous = NONE;
    let at = this.heads[identifier]!;
    while (at !== NONE && this.isNewer(this.postingAttempts[at]!, attempt)) {
      previous = at;
      at = this.postingNext[at]!;
    }
    this.postingNext[posting] = at;
    if (previous === NONE) this.heads[identifier] = posting;
    else this.postingNext[previous] = posting;
  }

  /** The index's order: by time, then by attempt id. */
  private isNewer(a: number, b: number): boolean {
    const ta = this.attemptTimes[a]!;
    const tb = this.attemptTimes[b]!;
    return ta > tb || (ta === tb && this.attemptIds.compare(this.attemptIdEntries[a]!, this.attemptIdEntries[b]!) > 0);
  }

  /**
   * From here to endReads, an attempt listed by several identifiers' histories (a returning buyer's
   * device, e-mail, card and address) is one entry, so its id and identifiers are made into text once.
   */
  startReads(): void {
    this.readEntries = new Map();
  }

  endReads(): void {
    this.readEntries = undefined;
  }

  /** The attempt's id, made into text: an entry's `attemptId`. */
  attemptIdOf(attempt: number): string {
    return this.attemptIds.text(this.attemptIdEntries[attempt]!);
  }

  /** The attempt's identifiers, made into text: an entry's `ids`. */
  idsOf(attempt: number): IdentifierHashes {
    const ids: IdentifierHashes = {};
    this.forEachIdentifier(attempt, (kind, identifier) => (ids[kind] = this.identifiers.text(identifier)));
    return ids;
  }

  /** The attempt's identifiers with their kinds, in the order its postings were made. */
  private forEachIdentifier(attempt: number, visit: (kind: IdentifierKind, identifier: number) => void): void {
    const first = this.attemptFirstPostings[attempt]!;
    const end = first + this.attemptPostingCounts[attempt]!;
    for (let posting = first; posting < end; posting++) {
      const identifier = this.postingIdentifiers[posting]!;
      visit(IDENTIFIER_KINDS[this.identifiers.tag(identifier)]!, identifier);
    }
  }

  /**
   * A new HistoryEntry for each read (or for each attempt between startReads and endReads), never one
   * kept per attempt: kept, they would survive into the old generation by the thousand a second, and
   * copying them lengthened each young-generation collection (5–6 ms against 0.5 ms, measured), where
   * one read's entries are garbage as soon as its assess ends.
   */
  private entry(attempt: number): HistoryEntry {
    let entry = this.readEntries?.get(attempt);
    if (entry === undefined) {
      entry = new HeldEntry(this, attempt, this.siteKeys[this.attemptSites[attempt]!]!, this.attemptTimes[attempt]!);
      this.readEntries?.set(attempt, entry);
    }
    return entry;
  }

  private siteNumber(siteKey: string): number {
    let site = this.siteNumbers.get(siteKey);
    if (site === undefined) {
      site = this.siteKeys.length;
      this.siteKeys.push(siteKey);
      this.siteNumbers.set(siteKey, site);
    }
    return site;
  }

  private growAttempts(): void {
    this.attemptIdEntries = grown(this.attemptIdEntries);
    this.attemptTimes = grown(this.attemptTimes);
    this.attemptSites = grown(this.attemptSites);
    this.attemptFirstPostings = grown(this.attemptFirstPostings);
    this.attemptPostingCounts = grown(this.attemptPostingCounts);
    this.attemptRemoved = grown(this.attemptRemoved);
  }

  private growPostings(): void {
    this.postingIdentifiers = grown(this.postingIdentifiers);
    this.postingAttempts = grown(this.postingAttempts);
    this.postingNext = grown(this.postingNext);
  }
}

/**
 * An entry of a history read. Its time and site are plain fields; its id and identifiers are made into
 * text when first asked for. Most entries a read returns are only counted by time (an IP's or a
 * network's velocity): making every entry's strings was a third of a read's cost. The attempt's data
 * is never overwritten (a removed attempt is only marked), so an entry stays valid after its read.
 * Its `attemptId` and `ids` are accessors: `{ ...entry }` drops them (see `plainEntry`).
 */
class HeldEntry implements HistoryEntry {
  private heldId: string | undefined;
  private heldIds: IdentifierHashes | undefined;

  constructor(
    private readonly history: IdentifierHistory,
    private readonly attempt: number,
    readonly siteKey: string,
    readonly tsMs: number,
  ) {}

  /** The attempt's number in `history`, if the entry is one of its reads; otherwise -1. */
  attemptIn(history: IdentifierHistory): number {
    return history === this.history ? this.attempt : NONE;
  }

  get attemptId(): string {
    return (this.heldId ??= this.history.attemptIdOf(this.attempt));
  }

  get ids(): IdentifierHashes {
    return (this.heldIds ??= this.history.idsOf(this.attempt));
  }
}

/** The entry as a plain object, its accessors read: for comparing and printing. */
export function plainEntry(entry: HistoryEntry): HistoryEntry {
  return { attemptId: entry.attemptId, siteKey: entry.siteKey, tsMs: entry.tsMs, ids: { ...entry.ids } };
}
