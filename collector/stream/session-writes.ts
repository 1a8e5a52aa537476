/**
 * Writes streamed sessions to the store without a write per frame. A socket keeps its session in
 * memory and merges each frame into it; the store gets the session
 *
 * - at once when it matters to an assess: the frame carried a form submit (`page.submits` grew), or
 *   a token is about to be issued for it (see `writeIfDirty`), or the socket closed;
 * - otherwise at most once per `intervalMs` while it keeps changing, `intervalMs` after its first
 *   unwritten change (so the writes of many sockets spread over time instead of landing together).
 *
 * An assess reads the session from the store, on this collector or on another one sharing it. It
 * comes after the order's form was submitted, and the submit's frame was written as it arrived,
 * before the page could even leave; and it carries a token, which is sent only once the session's
 * changes up to its request are in the store. At most `maxDirty` sessions wait; past that a change
 * is written at once.
 */
import type { SessionRecord, Store } from "../store/types.js";

export interface SessionWritesOptions {
  /** How long a changed session may wait for its write. */
  intervalMs?: number;
  /** Sessions waiting for a write, at most. */
  maxDirty?: number;
}

const DEFAULT_INTERVAL_MS = 1_000;
const DEFAULT_MAX_DIRTY = 20_000;

export class SessionWrites {
  /** Unwritten sessions by id, in the order they first changed, with when that was (monotonic ms). */
  private readonly dirty = new Map<string, { session: SessionRecord; sinceMs: number }>();
  private readonly intervalMs: number;
  private readonly maxDirty: number;
  private timer: NodeJS.Timeout | undefined;
  /** Each session's latest write not yet acknowledged. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void,
    options: SessionWritesOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.maxDirty = options.maxDirty ?? DEFAULT_MAX_DIRTY;
  }

  /** The session changed: it is written within `intervalMs` (at once when too many already wait). */
  changed(session: SessionRecord): void {
    const entry = this.dirty.get(session.id);
    if (entry) {
      // Another socket may hold the same session id: the latest change wins, as with a write per frame.
      entry.session = session;
      return;
    }
    if (this.dirty.size >= this.maxDirty) return void this.write(session);
    this.dirty.set(session.id, { session, sinceMs: performance.now() });
    this.timer ??= setTimeout(() => this.writeDue(), this.intervalMs).unref();
  }

  /**
   * Writes the session now if it has unwritten changes. Resolves once the store has the session as
   * it is now (at once when it already had it); a failed write is logged and resolves too.
   */
  writeIfDirty(session: SessionRecord): Promise<void> | undefined {
    const entry = this.dirty.get(session.id);
    if (!entry) return this.inFlight.get(session.id);
    this.dirty.delete(session.id);
    return this.write(entry.session);
  }

  /** Writes the session now, whether or not it waited. */
  writeNow(session: SessionRecord): Promise<void> {
    this.dirty.delete(session.id);
    return this.write(session);
  }

  /** Writes every waiting session and stops the timer; resolves once the store acknowledged them all. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const { session } of this.dirty.values()) this.write(session);
    this.dirty.clear();
    await Promise.all(this.inFlight.values());
  }

  /** Sessions waiting for their write. */
  get size(): number {
    return this.dirty.size;
  }

  private writeDue(): void {
    this.timer = undefined;
    const dueBefore = performance.now() - this.intervalMs;
    for (const [id, { session, sinceMs }] of this.dirty) {
      if (sinceMs > dueBefore) {
        this.timer = setTimeout(() => this.writeDue(), sinceMs - dueBefore).unref();
        return;
      }
      this.dirty.delete(id);
      this.write(session);
    }
  }

  private write(session: SessionRecord): Promise<void> {
    const { id } = session;
    const done = () => void (this.inFlight.get(id) === written && this.inFlight.delete(id));
    const written: Promise<void> = this.store.putSession(session).then(done, (err: unknown) => {
      done();
      this.log(`stream: could not store session ${id}: ${String(err)}`);
    });
    this.inFlight.set(id, written);
    return written;
  }
}
