import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CsvMapping } from "./csv.js";
import { csvHeaderOf, InputLineError, isGzipFile, readAttempts, readRange, splitAfterNewline } from "./input.js";
import { KIB_READ, POSITIONS, PROGRESS_SLOTS, type FileHalfData, type HalfRead, type LinesBefore } from "./replay-file-worker.js";
import { inbox, ReplayHalf } from "./replay-half.js";
import { ReplayLane, type LaneResult } from "./replay-lane.js";
import { portableRuleset } from "./replay-worker.js";
import { replay, replayResult, replayThreads, type ReplayOptions, type ReplayResult } from "./replay.js";

export interface FileReplayOptions extends ReplayOptions {
  strict?: boolean;
  /** Read the file as CSV with this mapping. */
  csv?: CsvMapping;
  /** How much of the file has been read, in bytes, while it is read (on all threads together). */
  onRead?: (bytes: number, ofBytes: number) => void;
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
  /** Threads the file was read on: 2 when each read a part of it. */
  readOn: 1 | 2;
}

const FILE_WORKER_URL = new URL("./replay-file-worker.js", import.meta.url);
/** An NDJSON file this large is split between two threads. */
const MIN_BYTES_FOR_WORKER = 16 * 1024 * 1024;

/**
 * `vakt backtest`'s read and replay of one input file. A large uncompressed NDJSON file, or CSV file
 * whose first line is its header, on a machine with two or more cores is replayed by two threads that
 * each read, identify and evaluate half of the file (one its first and last quarters, the other its
 * middle) and record the other half's attempts from their times, labels and identifier hashes: no
 * order crosses between them, and copying orders to a second thread cost about as much as evaluating them.
 * The result is the one-thread replay's, byte for byte (see `replay`). Anything else is read, then
 * replayed by `replay`.
 */
export async function replayFile(path: string, options: FileReplayOptions): Promise<FileReplay> {
  const strict = options.strict === true;
  const size = statSync(path).size;
  const threads = options.threads ?? (availableParallelism() >= 2 && size >= MIN_BYTES_FOR_WORKER && existsSync(FILE_WORKER_URL) ? 2 : 1);
  const middle = threads === 2 && !isGzipFile(path) ? middleOf(path) : undefined;
  if (middle !== undefined) {
    const csvHeader = options.csv ? await csvHeaderOf(path, options.csv) : undefined;
    if (options.csv && csvHeader) options.csv.checkHeader(csvHeader);
    if (!options.csv || csvHeader) return replayHalves(path, size, middle, options, csvHeader);
  }
  const { onRead } = options;
  const read = await readAttempts(path, {
    strict,
    ...(options.csv ? { csv: options.csv } : {}),
    ...(onRead ? { onBytes: (bytes: number) => onRead(bytes, size) } : {}),
  });
  const replayThreadCount = options.threads ?? replayThreads(read.attempts.length);
  options.onReplayStart?.();
  const result = await replay(read.attempts, { ...options, threads: replayThreadCount });
  return { result, attempts: read.attempts.length, skipped: read.skipped, threads: replayThreadCount, readOn: 1 };
}

/**
 * The file's middle half (a quarter of it to three quarters, at line starts) for the worker: each
 * thread then has an early part of the input and a late one. An attempt late in the input is matched
 * against a longer history and costs more to evaluate, so halves cut in the middle left the thread
 * with the second half working about a tenth longer than the other. Undefined for a file too short to cut.
 */
function middleOf(path: string): { start: number; end: number } | undefined {
  const start = splitAfterNewline(path, 0.25);
  const end = splitAfterNewline(path, 0.75);
  return start !== undefined && end !== undefined && start < end ? { start, end } : undefined;
}

/**
 * The first and last quarters of the file (of `size` bytes) on this thread, the middle half (`middle`,
 * from a line's start to the next part's) in a worker. A bad line with `strict` is thrown as a
 * one-thread read would: the first part's first, else the middle's, else the last part's.
 */
async function replayHalves(path: string, size: number, middle: { start: number; end: number }, options: FileReplayOptions, csvHeader?: string[]): Promise<FileReplay> {
  const { candidate, baseline, csv } = options;
  const strict = options.strict === true;
  const progress = new Int32Array(new SharedArrayBuffer(4 * PROGRESS_SLOTS));
  const data: FileHalfData = {
    path,
    start: middle.start,
    end: middle.end - 1,
    strict,
    candidate: portableRuleset(candidate.ruleset),
    ...(baseline ? { baseline: portableRuleset(baseline.ruleset) } : {}),
    labelDelayMs: options.labelDelayMs ?? 0,
    progress,
    ...(csv && csvHeader ? { csv: { mapping: csv.source, header: csvHeader } } : {}),
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
    const { onRead } = options;
    let ours = 0;
    const onBytes = onRead && ((bytes: number) => onRead(Math.min(size, ours + bytes + Atomics.load(progress, KIB_READ) * 1024), size));
    const first = await readRange(path, { end: middle.start - 1 }, { strict, ...(csv ? { csv } : {}), ...(onBytes ? { onBytes } : {}) });
    ours = middle.start;
    worker.postMessage({ linesBefore: first.lines } satisfies LinesBefore);
    let last: Awaited<ReturnType<typeof readRange>> | undefined;
    let lastFailure: InputLineError | undefined;
    try {
      last = await readRange(path, { start: middle.end }, { strict, ...(csv && csvHeader ? { csv, csvHeader } : {}), ...(onBytes ? { onBytes } : {}) });
    } catch (err) {
      if (!(err instanceof InputLineError)) throw err;
      lastFailure = err;
    }
    const theirs = await fromWorker<HalfRead>();
    onRead?.(size, size);
    if ("failed" in theirs) throw new InputLineError(first.lines + theirs.failed.line, theirs.failed.reason);
    const linesBeforeLast = first.lines + theirs.lines;
    if (lastFailure !== undefined) throw new InputLineError(linesBeforeLast + lastFailure.line, lastFailure.reason);
    for (const attempt of last!.attempts) attempt.line += linesBeforeLast;
    const skipped = [
      ...first.skipped,
      ...theirs.skipped.map(({ line, reason }) => new InputLineError(first.lines + line, reason)),
      ...last!.skipped.map(({ line, reason }) => new InputLineError(linesBeforeLast + line, reason)),
    ];

    const lane = new ReplayLane(candidate.ruleset, baseline?.ruleset, options.labelDelayMs ?? 0);
    options.onReplayStart?.();
    const half = new ReplayHalf([...first.attempts, ...last!.attempts], lane);
    const started = performance.now();
    const link = { send: (message: unknown, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer), receive: fromWorker };
    const { onProgress } = options;
    const total = await half.replayWith(link, 0, (positions, of) => onProgress?.(Math.min(positions, Atomics.load(progress, POSITIONS)), of));
    const second = (await fromWorker<{ result: LaneResult }>()).result;
    const result = replayResult([lane.result(), second], options, total, performance.now() - started);
    onProgress?.(total, total);
    return { result, attempts: total, skipped, threads: 2, readOn: 2 };
  } finally {
    await worker.terminate();
  }
}
