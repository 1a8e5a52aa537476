import type { IdentifierKind } from "../../identity/normalise.js";
import type { GraylistEntry, GraylistView, IdentifierRef } from "../types.js";

/**
 * At most this many entries are mirrored: about 140 bytes of the collector's heap each, so 70 MB at
 * the most (a fraud label lists up to nine identifiers: some 55,000 fraud labels). A larger `fraud`
 * list is not mirrored: assesses look it up in Redis again, one more round trip each, and the size is
 * checked again every OFF_RECHECK_MS. See docs/deploy.md.
 */
export const MAX_MIRRORED_ENTRIES = 500_000;
/** Log entries Redis keeps (about; trimmed with `~`): a collector further behind reloads the whole list. */
export const LOG_LENGTH = 10_000;
const OFF_RECHECK_MS = 10 * 60_000;
const RANGE_COUNT = 1000;
const SCAN_COUNT = 1000;

/** What the mirror reads from Redis, each call one command bounded by the store's deadline. */
export interface GraylistSource {
  /** The list's version: the id of the change log's last entry, null before the first label. */
  version(): Promise<string | null>;
  /** How many entries the list has. */
  size(): Promise<number>;
  /** One HSCAN step: the next cursor and field/value pairs. */
  scan(cursor: string, count: number): Promise<[cursor: string, fieldsAndValues: string[]]>;
  /** Log entries from `startId` (inclusive, "-" for the first), at most `count`: [id, [field, value, ...]]. */
  range(startId: string, count: number): Promise<[id: string, fieldsAndValues: string[]][]>;
}

/** The hash field of a list entry. */
export const fraudField = (kind: IdentifierKind, hash: string) => `${kind}:${hash}`;
/** A list entry's value: the attempt that put it there (first, for the script's ownership check) and when. */
export const fraudValue = (attemptId: string, atMs: number) => `${attemptId} ${atMs}`;

export function parseFraudValue(ref: IdentifierRef, value: string | null | undefined): GraylistEntry | undefined {
  if (!value) return undefined;
  const space = value.indexOf(" ");
  return { list: "fraud", kind: ref.kind, hash: ref.hash, attemptId: value.slice(0, space), atMs: Number(value.slice(space + 1)) };
}

/**
 * Each collector's copy of the `fraud` list, so an assess looks up its identifiers, and those of the
 * attempts one hop away, without a round trip. Every assess reads the list's version in its first
 * round (one GET beside the history reads); when it differs from the mirror's, the mirror first
 * applies the log entries since its own version (one more round), so a label acknowledged by any
 * collector is seen by the next assess on every collector. A gap in the log (trimmed, or lost by a
 * Redis restart) or a first use loads the whole list in the background; meanwhile, and while the list
 * is larger than MAX_MIRRORED_ENTRIES, there is no view and look-ups go to Redis.
 */
export class GraylistMirror {
  private entries = new Map<string, string>();
  /** A view of `entries`: one handed out keeps its map when a load replaces it, so it never loses an entry. */
  private view = viewOf(this.entries);
  /** The version the entries are at (null: no label yet); meaningful once `isReady`. */
  private versionId: string | null = null;
  private isReady = false;
  private offSinceMs: number | undefined;
  /** A load or a catch-up in progress: one at a time. */
  private updating: Promise<void> | undefined;

  constructor(
    private readonly source: GraylistSource,
    private readonly log?: (line: string) => void,
    private readonly maxEntries = MAX_MIRRORED_ENTRIES,
  ) {}

  /** A view holding everything up to `version` (read by the caller just now), or undefined (see the class). */
  async viewAt(version: string | null): Promise<GraylistView | undefined> {
    if (!this.isReady) {
      this.startLoad();
      return undefined;
    }
    if (version === this.versionId) return this.view;
    // The list is gone (flushed): load it again. A version behind the mirror's is another assess having
    // caught up first; one rolled back by a Redis restart shows as a gap at the next label.
    if (version === null) this.isReady = false;
    // Catch up at most twice: the first catch-up may have started before `version` was read.
    for (let i = 0; i < 2 && this.isReady && !isAtOrAfter(this.versionId, version); i++) await this.update(() => this.catchUp());
    if (this.isReady) return this.view;
    this.startLoad();
    return undefined;
  }

  /** Loads the list now unless it is known to be too large (then only every OFF_RECHECK_MS). */
  startLoad(): void {
    if (this.updating || (this.offSinceMs !== undefined && Date.now() - this.offSinceMs < OFF_RECHECK_MS)) return;
    void this.update(() => this.load()).catch((err: unknown) => this.log?.(`store: could not load the graylist mirror: ${String(err)}`));
  }

  /** Runs `run` unless an update is in progress; either way resolves when that one is done. */
  private update(run: () => Promise<void>): Promise<void> {
    if (!this.updating) {
      const running: Promise<void> = run().finally(() => {
        if (this.updating === running) this.updating = undefined;
      });
      this.updating = running;
    }
    return this.updating;
  }

  private async load(): Promise<void> {
    this.isReady = false;
    this.replaceEntries(new Map());
    if ((await this.source.size()) > this.maxEntries) return this.turnOff();
    // Entries changed during the scan are set right by the log entries after `version`, applied in order.
    const version = await this.source.version();
    const entries = new Map<string, string>();
    let cursor = "0";
    do {
      const [next, pairs] = await this.source.scan(cursor, SCAN_COUNT);
      for (let i = 0; i + 1 < pairs.length; i += 2) entries.set(pairs[i]!, pairs[i + 1]!);
      if (entries.size > this.maxEntries) return this.turnOff();
      cursor = next;
    } while (cursor !== "0");
    this.replaceEntries(entries);
    this.versionId = version;
    this.offSinceMs = undefined;
    if (await this.applyLog()) this.isReady = true;
  }

  private async catchUp(): Promise<void> {
    if (!this.isReady) return;
    if (!(await this.applyLog())) this.isReady = false;
  }

  /** Applies the log entries after `versionId`; false when they do not follow on from it. */
  private async applyLog(): Promise<boolean> {
    for (;;) {
      const start = this.versionId === null ? "-" : nextId(this.versionId);
      const entries = await this.source.range(start, RANGE_COUNT);
      for (const [id, pairs] of entries) {
        if (pairs[0] !== "p" || pairs[1] !== (this.versionId ?? "")) return false;
        for (let i = 2; i + 1 < pairs.length; i += 2) {
          if (pairs[i + 1] === "") this.entries.delete(pairs[i]!);
          else this.entries.set(pairs[i]!, pairs[i + 1]!);
        }
        this.versionId = id;
      }
      if (this.entries.size > this.maxEntries) {
        this.turnOff();
        return false;
      }
      if (entries.length < RANGE_COUNT) return true;
    }
  }

  private turnOff(): void {
    if (this.offSinceMs === undefined) this.log?.(`store: the graylist has more than ${this.maxEntries} entries; it is looked up in Redis instead of mirrored`);
    this.offSinceMs = Date.now();
    this.isReady = false;
    this.replaceEntries(new Map());
  }

  private replaceEntries(entries: Map<string, string>): void {
    this.entries = entries;
    this.view = viewOf(entries);
  }
}

function viewOf(entries: Map<string, string>): GraylistView {
  return { lookup: (ref) => parseFraudValue(ref, entries.get(fraudField(ref.kind, ref.hash))) };
}

/** The smallest stream id after `id` (`ms-seq`). */
function nextId(id: string): string {
  const dash = id.indexOf("-");
  return `${id.slice(0, dash)}-${BigInt(id.slice(dash + 1)) + 1n}`;
}

/** Whether stream id `a` is `b` or later (null, before any entry, is the earliest). */
function isAtOrAfter(a: string | null, b: string | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  const [aMs, aSeq] = a.split("-").map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split("-").map(BigInt) as [bigint, bigint];
  return aMs > bMs || (aMs === bMs && aSeq >= bSeq);
}
