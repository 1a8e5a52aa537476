import type { IdentifierKind } from "../identity/normalise.js";
import { listEntries } from "../labels.js";
import { ReplayKeys } from "./replay-keys.js";
import type { HistoryEntry, IdentifierHashes, Label, ListEntry, LocalReads } from "../store/types.js";

/** An attempt as a replay records it: its identifiers are the replay's keys (numbers, see ReplayKeys). */
export type ReplayEntry = HistoryEntry<number>;
/** One identifier's attempts, oldest first: most identifiers are used once, and keep their one entry without an array. */
type Entries = ReplayEntry | ReplayEntry[];

/**
 * The store of one replay: only what the assess path reads back during a replay (each identifier's
 * attempts, and the fraud and legit lists), kept as one small entry per attempt shared by all its
 * identifiers. No answers, matrices, links, reviews or order summaries are kept: a replay never reads
 * them, and on a long replay they made most of the heap and of the garbage collector's work.
 *
 * Attempts are recorded in replay order (time, then input line), so each history is appended to and
 * stays oldest first; the attempt id is the replay index. Its reads (`local`, for `gatherLocal`) have
 * the Store contract's semantics, and a label writes what `Labeler` would.
 */
export class ReplayStore {
  readonly hasher = new ReplayKeys();
  /*
   * By key (see ReplayKeys): the keys of all kinds are one count, so a key names its kind too. Each
   * identifier's entries and its place on either list are in arrays of their own, not an object per
   * identifier: a replay's speed is bound by how much of this fits in the processor's cache.
   */
  private readonly entries: (Entries | undefined)[] = [];
  private readonly lists: Record<Label, (ListEntry<number> | undefined)[]> = { fraud: [], legit: [] };
  private readonly attempts: ReplayEntry[] = [];

  /** Records the next attempt (in replay order) and returns its id. */
  record(siteKey: string, tsMs: number, ids: IdentifierHashes<number>): string {
    const attemptId = String(this.attempts.length);
    const entry: ReplayEntry = { attemptId, siteKey, tsMs, ids };
    this.attempts.push(entry);
    const { entries, lists } = this;
    for (const kind in ids) {
      const key = ids[kind as IdentifierKind]!;
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

  /** The reads of `gatherLocal`, answered at once: a replay gathers without a promise per read. */
  readonly local: LocalReads<number> = {
    history: (_kind, key, sinceMs, limit) => this.readHistory(key, sinceMs, limit),
    historyReaching: (_kind, key, windowSinceMs, limit, sinceMs, newest) => this.readHistoryReaching(key, windowSinceMs, limit, sinceMs, newest),
    listed: (list, _kind, key) => this.lists[list][key],
  };

  private readHistory(key: number, sinceMs: number, limit: number): ReplayEntry[] {
    const list = this.entries[key];
    if (list === undefined) return [];
    if (!Array.isArray(list)) return list.tsMs >= sinceMs && limit > 0 ? [list] : [];
    // Newest first, stopping at the window's edge: a long history's older entries are not touched.
    const out: ReplayEntry[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = list[i]!;
      if (entry.tsMs < sinceMs) break;
      out.push(entry);
    }
    return out;
  }

  /** As the Store contract: the longer of the window's read (up to `limit`) and the newest `newest` entries since `sinceMs`, in one pass. */
  private readHistoryReaching(key: number, windowSinceMs: number, limit: number, sinceMs: number, newest: number): ReplayEntry[] {
    const list = this.entries[key];
    if (list === undefined) return [];
    if (!Array.isArray(list)) return (limit > 0 && list.tsMs >= windowSinceMs) || (newest > 0 && list.tsMs >= sinceMs) ? [list] : [];
    // Both reads are newest-first prefixes of the list (times only fall going back): go on while either would.
    const out: ReplayEntry[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const { tsMs } = list[i]!;
      const n = out.length;
      if (!((n < limit && tsMs >= windowSinceMs) || (n < newest && tsMs >= sinceMs))) break;
      out.push(list[i]!);
    }
    return out;
  }

  /**
   * Labels a recorded attempt at once, with the list entries `Labeler` would write (`listEntries`; a replay's labels
   * are never refused). A replay labels each attempt once, so no earlier entry of it is on a list to remove.
   */
  label(attemptId: string, label: Label, atMs: number): void {
    for (const entry of listEntries(attemptId, this.attempts[Number(attemptId)]!.ids, label, atMs)) this.lists[entry.list][entry.hash] = entry;
  }
}
