import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { csvMappingOf } from "./csv.js";
import { InputLineError } from "./line-error.js";
import { readRange } from "./input.js";
import { inbox, ReplayHalf } from "./replay-half.js";
import { ReplayLane } from "./replay-lane.js";
import { rulesetOf, type PortableRuleset } from "./replay-worker.js";

export interface FileHalfData {
  path: string;
  /** The worker's part of the file: from byte `start` (a line's start) to byte `end` (inclusive, a newline). */
  start: number;
  end: number;
  strict: boolean;
  candidate: PortableRuleset;
  baseline?: PortableRuleset;
  labelDelayMs: number;
  /** For a CSV file: its mapping (as its file gave it) and its header's cells. */
  csv?: { mapping: unknown; header: string[] };
  /** The worker's progress for the main thread's: its KiB read (`KIB_READ`), then positions of the replay gone through (`POSITIONS`). */
  progress: Int32Array;
}

export const KIB_READ = 0;
export const POSITIONS = 1;
export const PROGRESS_SLOTS = 2;

/** What the worker sends once its part is read: its line count and bad lines (lines from 1 within the part); or, with strict, its first bad line. */
export type HalfRead = { lines: number; skipped: { line: number; reason: string }[] } | { failed: { line: number; reason: string } };

/** The lines of the file before the worker's part, sent by the main thread once it has read them: the worker's lines in the file are its own plus these. */
export interface LinesBefore {
  linesBefore: number;
}

/** The worker's side of `replayFile`: the middle of the file, read, identified and evaluated here. */
async function replayMiddle(data: FileHalfData, port: NonNullable<typeof parentPort>): Promise<void> {
  const next = inbox(port);
  let read;
  try {
    const csv = data.csv && { csv: csvMappingOf(data.csv.mapping, "the CSV mapping"), csvHeader: data.csv.header };
    read = await readRange(data.path, { start: data.start, end: data.end }, { strict: data.strict, ...csv, onBytes: (bytes) => Atomics.store(data.progress, KIB_READ, Math.floor(bytes / 1024)) });
  } catch (err) {
    if (!(err instanceof InputLineError)) throw err;
    port.postMessage({ failed: { line: err.line, reason: err.reason } } satisfies HalfRead);
    return;
  }
  port.postMessage({ lines: read.lines, skipped: read.skipped.map(({ line, reason }) => ({ line, reason })) } satisfies HalfRead);
  const { linesBefore } = (await next()) as LinesBefore;
  for (const attempt of read.attempts) attempt.line += linesBefore;
  const lane = new ReplayLane(rulesetOf(data.candidate), data.baseline ? rulesetOf(data.baseline) : undefined, data.labelDelayMs);
  const link = { send: (message: unknown, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer), receive: <T>() => next() as Promise<T> };
  await new ReplayHalf(read.attempts, lane).replayWith(link, 1, (positions) => Atomics.store(data.progress, POSITIONS, positions));
  port.postMessage({ result: lane.result() });
}

if (!isMainThread && parentPort && workerData?.replayFileHalf) {
  const port = parentPort;
  replayMiddle(workerData.replayFileHalf as FileHalfData, port).catch((err: unknown) => {
    // Thrown outside the promise, it ends the worker with an "error" event the main thread awaits.
    setImmediate(() => {
      throw err;
    });
  });
}
