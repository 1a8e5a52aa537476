import type { IdentifierKind } from "../identity/normalise.js";
import { labelWrites } from "../labels.js";
import { ReplayKeys } from "./replay-keys.js";
import type { AttemptRecord, GraylistView, HistoryEntry, IdentifierHashes, IdentifierRef, Label, LabelRecord, ListEntry, LocalReads, Store } from "../store/types.js";

/** One identifier's attempts, oldest first: most identifiers are used once, and keep their one entry without an array. */
type Entries = HistoryEntry | HistoryEntry[];

const LISTS: readonly Label[] = ["fraud", "legit"];

/**
 * The store of one replay: only what the assess path reads back during a replay (each identifier's
 * attempts, and the fraud and legit lists), kept as one small entry per attempt shared by all its
 * identifiers. No answers, matrices, links, reviews or order summaries are kept: a replay never reads
 * them, and on a long replay they made most of the heap and of the garbage collector's work.
 *
 * Attempts are recorded in replay order (time, then input line), so each history is appended to and
 * stays oldest first; the attempt id is the replay index. It serves the reads of `gather` and
 * `Labeler` with the Store contract's semantics (see `asStore`).
 */
export class ReplayStore {
  readonly hasher = new ReplayKeys();
  /*
   * By key (see ReplayKeys): the keys of all kinds are one count, so a key names its kind too. Each
   * identifier's entries and its place on either list are in arrays of their own, not an object per
   * identifier: a replay's speed is bound by how much of this fits in the processor's cache.
   */
  private readonly entries: (Entries | undefined)[] = [];
  private readonly lists: Record<Label, (ListEntry | undefined)[]> = { fraud: [], legit: [] };
  private readonly attempts: HistoryEntry[] = [];

  /** Records the next attempt (in replay order) and returns its id. */
  record(siteKey: string, tsMs: number, ids: IdentifierHashes): string {
    const attemptId = String(this.attempts.length);
    const entry: HistoryEntry = { attemptId, siteKey, tsMs, ids };
    this.attempts.push(entry);
    const { entries, lists } = this;
    for (const kind in ids) {
      const key = Number(ids[kind as IdentifierKind]);
      // Grown a slot at a time, never with a gap: a write far past the end would make V8 keep the array as a dictionary.
      while (entries.length <= key) {
        entries.push(undefined);
        lists.fraud.push(undefined);
        lists.legit.push(undefined);
      }
      const known = entries[key];
      if (known === undefined) entries[key] = entry;
      else if (Array.isArray(known)) known.push(entry);
      else entries[key] = [known, entry];
    }
    return attemptId;
  }

  /** The reads of `gather`, answered at once: a replay gathers without a promise per read. */
  readonly local: LocalReads = {
    history: (kind, hash, sinceMs, limit) => this.readHistory(kind, hash, sinceMs, limit),
    historyReaching: (kind, hash, windowSinceMs, limit, sinceMs, newest) => this.readHistoryReaching(kind, hash, windowSinceMs, limit, sinceMs, newest),
    listed: (list, _kind, hash) => this.lists[list][Number(hash)],
  };

  history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): Promise<HistoryEntry[]> {
    return Promise.resolve(this.readHistory(kind, hash, sinceMs, limit));
  }

  historyReaching(kind: IdentifierKind, hash: string, windowSinceMs: number, limit: number, sinceMs: number, newest: number): Promise<HistoryEntry[]> {
    return Promise.resolve(this.readHistoryReaching(kind, hash, windowSinceMs, limit, sinceMs, newest));
  }

  listLookup(list: Label, refs: IdentifierRef[]): Promise<(ListEntry | undefined)[]> {
    const found: (ListEntry | undefined)[] = new Array(refs.length);
    for (let i = 0; i < refs.length; i++) found[i] = this.lists[list][Number(refs[i]!.hash)];
    return Promise.resolve(found);
  }

  private readHistory(_kind: IdentifierKind, hash: string, sinceMs: number, limit: number): HistoryEntry[] {
    const list = this.entries[Number(hash)];
    if (list === undefined) return [];
    if (!Array.isArray(list)) return list.tsMs >= sinceMs && limit > 0 ? [list] : [];
    // Newest first, stopping at the window's edge: a long history's older entries are not touched.
    const out: HistoryEntry[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = list[i]!;
      if (entry.tsMs < sinceMs) break;
      out.push(entry);
    }
    return out;
  }

  /** As the Store contract: the longer of the window's read (up to `limit`) and the newest `newest` entries since `sinceMs`, in one pass. */
  private readHistoryReaching(_kind: IdentifierKind, hash: string, windowSinceMs: number, limit: number, sinceMs: number, newest: number): HistoryEntry[] {
    const list = this.entries[Number(hash)];
    if (list === undefined) return [];
    if (!Array.isArray(list)) return (limit > 0 && list.tsMs >= windowSinceMs) || (newest > 0 && list.tsMs >= sinceMs) ? [list] : [];
    // Both reads are newest-first prefixes of the list (times only fall going back): go on while either would.
    const out: HistoryEntry[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const { tsMs } = list[i]!;
      const n = out.length;
      if (!((n < limit && tsMs >= windowSinceMs) || (n < newest && tsMs >= sinceMs))) break;
      out.push(list[i]!);
    }
    return out;
  }

  /** The fraud list as it stands when read: `gather` looks up an attempt's identifiers and their hops without a promise each. */
  private readonly view: Promise<GraylistView> = Promise.resolve({ lookup: ({ hash }) => this.lists.fraud[Number(hash)] });

  graylistView(): Promise<GraylistView> {
    return this.view;
  }

  /** The attempt as `Labeler` reads it: its id, site and identifiers (a replay keeps no answer or review). */
  getAttempt(id: string): Promise<AttemptRecord | undefined> {
    const entry = this.attempts[Number(id)];
    return Promise.resolve(entry === undefined ? undefined : ({ id, siteKey: entry.siteKey, tsMs: entry.tsMs, ids: entry.ids } as AttemptRecord));
  }

  /** As the Store contract: a relabel first removes the entries this attempt put on either list. */
  putLabel(label: LabelRecord, identifiers: IdentifierRef[], entries: ListEntry[]): Promise<void> {
    this.writeLabel(label, identifiers, entries);
    return Promise.resolve();
  }

  /**
   * Labels a recorded attempt at once, with the list entries `Labeler` would write (a replay's labels
   * are never refused). A replay labels each attempt once, so no earlier entry of it is on a list to remove.
   */
  label(attemptId: string, label: Label, atMs: number): void {
    const { entries } = labelWrites(attemptId, this.attempts[Number(attemptId)]!.ids, label, atMs);
    for (const entry of entries) this.lists[entry.list][Number(entry.hash)] = entry;
  }

  private writeLabel(label: LabelRecord, identifiers: IdentifierRef[], entries: ListEntry[]): void {
    for (const { hash } of identifiers) {
      const key = Number(hash);
      for (const list of LISTS) if (this.lists[list][key]?.attemptId === label.attemptId) this.lists[list][key] = undefined;
    }
    for (const entry of entries) this.lists[entry.list][Number(entry.hash)] = entry;
  }

  /** A replay keeps no review state, so there is nothing to update. */
  updateAttempt(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * This store where the assess path's reads expect a Store: `gather` reads histories, the legit list
   * and the graylist view, and `Labeler` reads an attempt and writes its label. Nothing else of the Store is called in a replay.
   */
  asStore(): Store {
    return this as unknown as Store;
  }
}
