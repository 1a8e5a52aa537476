import { IDENTIFIER_KINDS, type IdentifierKind } from "../../identity/normalise.js";
import type { HistoryEntry, IdentifierHashes } from "../types.js";

const NONE = -1;
const KIND_NUMBERS = new Map<IdentifierKind, number>(IDENTIFIER_KINDS.map((kind, i) => [kind, i]));

/**
 * Every identifier's attempts, newest first, held in memory: what the rules read of history, answered
 * without a disk read. It is the LMDB store's identifier index. Kept on disk, that index made each
 * attempt insert a dozen entries at random places in a B-tree of millions, and the acknowledgement
 * waited for the thousands of scattered pages that copied to be flushed; the store now writes one
 * compact row per attempt (attempt-identifiers.ts), appended in id order, and this is rebuilt from
 * those rows when the store opens.
 *
 * It is built of typed arrays, not an object per attempt and identifier: millions of small objects
 * would be traced by every garbage collection and make its pauses the assess's tail latency.
 * - An identifier (kind and hash) is a number, found by open addressing on a hash of its text.
 * - An attempt is a number: its id, site, time and its identifiers' postings, which are contiguous.
 * - A posting joins one attempt to one identifier. Each identifier's postings form a list from its
 *   newest (`heads`) through `postingNext`, in the order the index sorted them: time, then attempt
 *   id, newest first. An attempt recorded late is linked in at its place.
 * A removed attempt (retention, or a write that failed) is marked and skipped by reads; its memory is
 * given back when the store next opens.
 */
export class IdentifierHistory {
  /** Open addressing by `codeOf(kind, hash)`: each slot holds identifier + 1, 0 when empty. */
  private slots = new Int32Array(1 << 12);
  private identifierCodes = new Int32Array(1 << 11);
  private identifierKinds = new Uint8Array(1 << 11);
  private readonly identifierHashes: string[] = [];
  private heads = new Int32Array(1 << 11);
  private identifierCount = 0;

  private postingIdentifiers = new Int32Array(1 << 12);
  private postingAttempts = new Int32Array(1 << 12);
  private postingNext = new Int32Array(1 << 12);
  private postingCount = 0;

  private readonly attemptIds: string[] = [];
  private attemptTimes = new Float64Array(1 << 10);
  private attemptSites = new Int32Array(1 << 10);
  private attemptFirstPostings = new Int32Array(1 << 10);
  private attemptPostingCounts = new Uint8Array(1 << 10);
  private attemptRemoved = new Uint8Array(1 << 10);
  private readonly attemptNumbers = new Map<string, number>();
  private removedCount = 0;

  private readonly siteKeys: string[] = [];
  private readonly siteNumbers = new Map<string, number>();

  /**
   * HistoryEntry objects made for reads, by attempt number, direct-mapped: an assess reads the same
   * earlier attempts under several identifiers, and the next assess mostly the same again.
   */
  private readonly cachedEntries: (HistoryEntry | undefined)[];
  private readonly cachedAttempts: Int32Array;
  private readonly cacheMask: number;

  /** `cacheSlots`: a power of two. */
  constructor(cacheSlots = 1 << 15) {
    this.cachedEntries = new Array<HistoryEntry | undefined>(cacheSlots).fill(undefined);
    this.cachedAttempts = new Int32Array(cacheSlots).fill(NONE);
    this.cacheMask = cacheSlots - 1;
  }

  /** Attempts held (removed ones not counted), and the identifiers they use. */
  get size(): { attempts: number; identifiers: number } {
    return { attempts: this.attemptIds.length - this.removedCount, identifiers: this.identifierCount };
  }

  /** Adds an attempt under each of its identifiers; an attempt already held under this id is replaced. */
  add(attemptId: string, siteKey: string, tsMs: number, ids: IdentifierHashes): void {
    if (this.attemptNumbers.has(attemptId)) this.remove(attemptId);
    const attempt = this.attemptIds.length;
    if (attempt === this.attemptTimes.length) this.growAttempts();
    this.attemptIds.push(attemptId);
    this.attemptNumbers.set(attemptId, attempt);
    this.attemptTimes[attempt] = tsMs;
    this.attemptSites[attempt] = this.siteNumber(siteKey);
    this.attemptFirstPostings[attempt] = this.postingCount;
    let count = 0;
    for (const kind in ids) {
      const hash = ids[kind as IdentifierKind];
      if (hash === undefined) continue;
      const identifier = this.identifier(kind as IdentifierKind, hash, true);
      const posting = this.postingCount++;
      if (posting === this.postingNext.length) this.growPostings();
      this.postingIdentifiers[posting] = identifier;
      this.postingAttempts[posting] = attempt;
      this.link(identifier, posting, attempt);
      count++;
    }
    this.attemptPostingCounts[attempt] = count;
  }

  /** Takes the attempt out of every identifier's history. Returns whether it was held. */
  remove(attemptId: string): boolean {
    const attempt = this.attemptNumbers.get(attemptId);
    if (attempt === undefined) return false;
    this.attemptNumbers.delete(attemptId);
    this.attemptRemoved[attempt] = 1;
    this.removedCount++;
    const slot = attempt & this.cacheMask;
    if (this.cachedAttempts[slot] === attempt) {
      this.cachedAttempts[slot] = NONE;
      this.cachedEntries[slot] = undefined;
    }
    return true;
  }

  /** Attempts that used this identifier at or after `sinceMs`, newest first, at most `limit`. */
  history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const identifier = this.identifier(kind, hash, false);
    if (identifier === NONE) return out;
    for (let posting = this.heads[identifier]!; posting !== NONE && out.length < limit; posting = this.postingNext[posting]!) {
      const attempt = this.postingAttempts[posting]!;
      if (this.attemptRemoved[attempt] === 1) continue;
      if (this.attemptTimes[attempt]! < sinceMs) break;
      out.push(this.entry(attempt));
    }
    return out;
  }

  /**
   * As the Store contract's historyReaching: the longer of the window's read (up to `limit` at or after
   * `windowSinceMs`) and the newest `newest` at or after `sinceMs`, in one pass, since both are newest-first
   * prefixes of the same list.
   */
  historyReaching(kind: IdentifierKind, hash: string, windowSinceMs: number, limit: number, sinceMs: number, newest: number): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const identifier = this.identifier(kind, hash, false);
    if (identifier === NONE) return out;
    for (let posting = this.heads[identifier]!; posting !== NONE; posting = this.postingNext[posting]!) {
      const attempt = this.postingAttempts[posting]!;
      if (this.attemptRemoved[attempt] === 1) continue;
      const tsMs = this.attemptTimes[attempt]!;
      const n = out.length;
      if (!((n < limit && tsMs >= windowSinceMs) || (n < newest && tsMs >= sinceMs))) break;
      out.push(this.entry(attempt));
    }
    return out;
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
    return ta > tb || (ta === tb && this.attemptIds[a]! > this.attemptIds[b]!);
  }

  private entry(attempt: number): HistoryEntry {
    const slot = attempt & this.cacheMask;
    if (this.cachedAttempts[slot] === attempt) return this.cachedEntries[slot]!;
    const ids: IdentifierHashes = {};
    const first = this.attemptFirstPostings[attempt]!;
    const end = first + this.attemptPostingCounts[attempt]!;
    for (let posting = first; posting < end; posting++) {
      const identifier = this.postingIdentifiers[posting]!;
      ids[IDENTIFIER_KINDS[this.identifierKinds[identifier]!]!] = this.identifierHashes[identifier]!;
    }
    const entry: HistoryEntry = { attemptId: this.attemptIds[attempt]!, siteKey: this.siteKeys[this.attemptSites[attempt]!]!, tsMs: this.attemptTimes[attempt]!, ids };
    this.cachedAttempts[slot] = attempt;
    this.cachedEntries[slot] = entry;
    return entry;
  }

  /** The identifier's number; NONE if it has none and `create` is false. */
  private identifier(kind: IdentifierKind, hash: string, create: boolean): number {
    const kindNumber = KIND_NUMBERS.get(kind);
    if (kindNumber === undefined) throw new Error(`unknown identifier kind ${kind}`);
    const code = codeOf(kindNumber, hash);
    const mask = this.slots.length - 1;
    for (let at = code & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at]!;
      if (slot === 0) return create ? this.addIdentifier(at, code, kindNumber, hash) : NONE;
      const identifier = slot - 1;
      if (this.identifierCodes[identifier] === code && this.identifierKinds[identifier] === kindNumber && this.identifierHashes[identifier] === hash) return identifier;
    }
  }

  private addIdentifier(at: number, code: number, kindNumber: number, hash: string): number {
    const identifier = this.identifierCount++;
    if (identifier === this.heads.length) {
      this.identifierCodes = grown(this.identifierCodes);
      this.identifierKinds = grown(this.identifierKinds);
      this.heads = grown(this.heads);
    }
    this.identifierCodes[identifier] = code;
    this.identifierKinds[identifier] = kindNumber;
    this.identifierHashes.push(hash);
    this.heads[identifier] = NONE;
    this.slots[at] = identifier + 1;
    // At most half full, so a probe stays short.
    if (this.identifierCount * 2 > this.slots.length) this.rehash();
    return identifier;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let identifier = 0; identifier < this.identifierCount; identifier++) {
      let at = this.identifierCodes[identifier]! & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = identifier + 1;
    }
    this.slots = slots;
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

/** A 32-bit hash of kind and text (FNV-1a, then MurmurHash3's finaliser), for the open addressing. */
function codeOf(kindNumber: number, hash: string): number {
  let h = Math.imul(kindNumber + 1, 0x9e3779b9) ^ 0x811c9dc5;
  for (let i = 0; i < hash.length; i++) h = Math.imul(h ^ hash.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

type Grown = Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

function grown<A extends Grown>(array: A): A {
  const bigger = new (array.constructor as new (length: number) => A)(array.length * 2);
  bigger.set(array as never);
  return bigger;
}
