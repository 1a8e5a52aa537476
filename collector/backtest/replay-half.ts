import { IDENTIFIER_KINDS } from "../identity/normalise.js";
import type { IdentifierHashes } from "../store/types.js";
import type { BacktestAttempt } from "./input.js";
import { LABEL_CODES, ReplayIdentifiers, type ReplayLane } from "./replay-lane.js";

const KINDS = IDENTIFIER_KINDS.length;

/** The other thread of a two-thread replay, as one half sees it: messages to it, and its messages in the order they came. */
export interface HalfLink {
  send(message: unknown, transfer?: ArrayBuffer[]): void;
  receive<T>(): Promise<T>;
}

/** What the other thread needs of a half to record its attempts: their times, lines and labels, in the half's replay order. */
export interface HalfSummary {
  tsMs: Float64Array;
  /** Lines in the file: between equal times, the earlier line is replayed first. */
  lines: Int32Array;
  /** Each as its place in LABEL_CODES. */
  labels: Uint8Array;
}

/**
 * One thread's half of an NDJSON input in a two-thread file replay (see `replayFile`): it reads and
 * evaluates its own attempts and records the other half's from their times, labels and identifier
 * hashes, so no order crosses between the threads. Its attempts carry their lines in the whole file.
 */
export class ReplayHalf {
  private ids: IdentifierHashes<number>[] = [];

  constructor(
    readonly attempts: BacktestAttempt[],
    private readonly lane: ReplayLane,
  ) {
    attempts.sort((a, b) => a.tsMs - b.tsMs || a.line - b.line);
  }

  private summary(): HalfSummary {
    return {
      tsMs: Float64Array.from(this.attempts, (a) => a.tsMs),
      lines: Int32Array.from(this.attempts, (a) => a.line),
      labels: Uint8Array.from(this.attempts, (a) => LABEL_CODES.indexOf(a.label)),
    };
  }

  /** Identifies this half's attempts; returns their identifiers' hashes for the other thread (KINDS pairs per attempt, 0, 0 for none). */
  private identify(): Int32Array<ArrayBuffer> {
    const keys = this.lane.store.hasher;
    const pairs = new Int32Array(this.attempts.length * KINDS * 2);
    this.ids = this.attempts.map((attempt, i) => {
      const ids = this.lane.identify(attempt.order, attempt.ip, attempt.deviceId);
      for (let kind = 0; kind < KINDS; kind++) {
        const key = ids[IDENTIFIER_KINDS[kind]!];
        if (key !== undefined) keys.pairOf(key, pairs, (i * KINDS + kind) * 2);
      }
      return ids;
    });
    return pairs;
  }

  /**
   * This thread's part of the replay once both halves are read: trades summaries and identifier hashes
   * with the other thread (`link`), then replays both halves in their merged order. `side` 0 is the
   * thread that holds the file's first line. `done` counts the positions gone through, of `total`.
   * Resolves to the number of attempts replayed.
   */
  async replayWith(link: HalfLink, side: 0 | 1, done: (positions: number, total: number) => void): Promise<number> {
    const summary = this.summary();
    link.send({ summary });
    const theirs = (await link.receive<{ summary: HalfSummary }>()).summary;
    const order = side === 0 ? replayOrder(summary, theirs) : replayOrder(theirs, summary);
    const pairs = this.identify();
    link.send({ pairs }, [pairs.buffer]);
    const theirPairs = (await link.receive<{ pairs: Int32Array }>()).pairs;
    await this.replay(order, side, theirs, theirPairs, (positions) => done(positions, order.length));
    return order.length;
  }

  /**
   * Replays every attempt of both halves in replay order (`order[p]` is `side` for this half's), evaluating
   * this half's. `done` counts the positions gone through.
   */
  private async replay(order: Uint8Array, side: 0 | 1, other: HalfSummary, otherPairs: Int32Array, done: (positions: number) => void): Promise<void> {
    const keys = this.lane.store.hasher;
    let mine = 0;
    let theirs = 0;
    for (let p = 0; p < order.length; p++) {
      let pending: Promise<void> | undefined;
      if (order[p] === side) {
        const attempt = this.attempts[mine]!;
        pending = this.lane.next(p, attempt.tsMs, this.ids[mine++]!, attempt.label, attempt);
      } else {
        const ids: IdentifierHashes<number> = new ReplayIdentifiers();
        for (let kind = 0; kind < KINDS; kind++) {
          const at = (theirs * KINDS + kind) * 2;
          if (otherPairs[at + 1] !== 0) ids[IDENTIFIER_KINDS[kind]!] = keys.keyOfPair(otherPairs[at]!, otherPairs[at + 1]!);
        }
        pending = this.lane.next(p, other.tsMs[theirs]!, ids, LABEL_CODES[other.labels[theirs++]!]!);
      }
      if (pending) await pending;
      if (p % 512 === 511) done(p + 1);
    }
    done(order.length);
  }
}

/**
 * The replay order of two halves' attempts, each in its own replay order (time, then line): per
 * position, 0 for the first half's next attempt, 1 for the second's.
 */
export function replayOrder(first: HalfSummary, second: HalfSummary): Uint8Array {
  const order = new Uint8Array(first.tsMs.length + second.tsMs.length);
  const isFirstNext = (i: number, j: number) => first.tsMs[i]! < second.tsMs[j]! || (first.tsMs[i] === second.tsMs[j] && first.lines[i]! < second.lines[j]!);
  let i = 0;
  let j = 0;
  for (let p = 0; p < order.length; p++) {
    if (j >= second.tsMs.length || (i < first.tsMs.length && isFirstNext(i, j))) {
      order[p] = 0;
      i++;
    } else {
      order[p] = 1;
      j++;
    }
  }
  return order;
}

/** Messages from a port in the order they came, one at a time. */
export function inbox(port: { on(event: "message", listener: (message: unknown) => void): unknown }): () => Promise<unknown> {
  const queued: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  port.on("message", (message: unknown) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queued.push(message);
  });
  return () => (queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve)));
}
