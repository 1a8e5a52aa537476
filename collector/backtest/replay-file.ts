import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CsvMapping } from "./csv.js";
import { InputLineError, readAttempts, readRange, splitAfterNewline } from "./input.js";
import type { FileHalfData, HalfRead } from "./replay-file-worker.js";
import { inbox, ReplayHalf, replayOrder, type HalfSummary } from "./replay-half.js";
import { ReplayLane, type LaneResult } from "./replay-lane.js";
import { portableRuleset } from "./replay-worker.js";
import { replay, replayResult, replayThreads, type ReplayOptions, type ReplayResult } from "./replay.js";

export interface FileReplayOptions extends ReplayOptions {
  strict?: boolean;
  /** Read the file as CSV with this mapping. */
  csv?: CsvMapping;
  /** Each line read (on this thread). */
  onLine?: (line: number) => void;
  /** The input is read and the replay begins. */
  onReplayStart?: () => void;
}

export interface FileReplay {
  result: ReplayResult;
  /** Attempts replayed: the file's lines less its blank and bad ones. */
  attempts: number;
  /** Bad lines skipped, in file order. */
  skipped: InputLineError[];
  /** Threads the replay ran on. */
  threads: 1 | 2;
}

const FILE_WORKER_URL = new URL("./replay-file-worker.js", import.meta.url);
/** An NDJSON file this large is split between two threads. */
const MIN_BYTES_FOR_WORKER = 16 * 1024 * 1024;

/**
 * `vakt backtest`'s read and replay of one input file. A large NDJSON file on a machine with two or
 * more cores is replayed by two threads that each read, identify and evaluate one half of the file
 * and record the other half's attempts from their times, labels and identifier hashes: no order
 * crosses between them, and copying orders to a second thread cost about as much as evaluating them.
 * The result is the one-thread replay's, byte for byte (see `replay`). Anything else is read, then
 * replayed by `replay`.
 */
export async function replayFile(path: string, options: FileReplayOptions): Promise<FileReplay> {
  const strict = options.strict === true;
  const threads = options.threads ?? (availableParallelism() >= 2 && statSync(path).size >= MIN_BYTES_FOR_WORKER && existsSync(FILE_WORKER_URL) ? 2 : 1);
  const split = threads === 2 && !options.csv ? splitAfterNewline(path) : undefined;
  if (split !== undefined) return replayHalves(path, split, options);
  const read = await readAttempts(path, {
    strict,
    ...(options.csv ? { csv: options.csv } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  const replayThreadCount = options.threads ?? replayThreads(read.attempts.length);
  options.onReplayStart?.();
  const result = await replay(read.attempts, { ...options, threads: replayThreadCount });
  return { result, attempts: read.attempts.length, skipped: read.skipped, threads: replayThreadCount };
}

/**
 * The first half of the file (to byte `split`) on this thread, the second in a worker. A bad line with
 * `strict` is thrown as a one-thread read would: the first half's first, else the second's.
 */
async function replayHalves(path: string, split: number, options: FileReplayOptions): Promise<FileReplay> {
  const { candidate, baseline } = options;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const data: FileHalfData = {
    path,
    start: split,
    strict: options.strict === true,
    candidate: portableRuleset(candidate.ruleset),
    ...(baseline ? { baseline: portableRuleset(baseline.ruleset) } : {}),
    labelDelayMs: options.labelDelayMs ?? 0,
    progress,
  };
  const worker = new Worker(FILE_WORKER_URL, { workerData: { replayFileHalf: data } });
  const next = inbox(worker);
  const stopped = new Promise<never>((_, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the replay worker stopped (exit code ${code})`)));
  });
  stopped.catch(() => {});
  const fromWorker = <T>() => Promise.race([next() as Promise<T>, stopped]);
  try {
    const mine = await readRange(path, { end: split - 1 }, { strict: options.strict === true, ...(options.onLine ? { onLine: options.onLine } : {}) });
    const theirs = await fromWorker<HalfRead>();
    const offset = mine.lines;
    if ("failed" in theirs) throw new InputLineError(offset + theirs.failed.line, theirs.failed.reason);
    const skipped = [...mine.skipped, ...theirs.skipped.map(({ line, reason }) => new InputLineError(offset + line, reason))];

    const lane = new ReplayLane(candidate.ruleset, baseline?.ruleset, options.labelDelayMs ?? 0);
    options.onReplayStart?.();
    const half = new ReplayHalf(mine.attempts, lane);
    const started = performance.now();
    const summary: HalfSummary = half.summary();
    worker.postMessage({ summary });
    const order = replayOrder(summary.tsMs, theirs.summary.tsMs);
    const pairs = half.identify();
    worker.postMessage({ pairs }, [pairs.buffer]);
    const theirPairs = (await fromWorker<{ pairs: Int32Array }>()).pairs;
    const total = order.length;
    const { onProgress } = options;
    await half.replay(order, 0, theirs.summary, theirPairs, (positions) => onProgress?.(Math.min(positions, Atomics.load(progress, 0)), total));
    const second = (await fromWorker<{ result: LaneResult }>()).result;
    // The worker numbered its lines from 1 within its half.
    for (const change of second.changes) change.line += offset;
    const result = replayResult([lane.result(), second], options, total, performance.now() - started);
    onProgress?.(total, total);
    return { result, attempts: total, skipped, threads: 2 };
  } finally {
    await worker.terminate();
  }
}
