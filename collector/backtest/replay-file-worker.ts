import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { InputLineError } from "./line-error.js";
import { readRange } from "./input.js";
import { inbox, ReplayHalf, replayOrder, type HalfSummary } from "./replay-half.js";
import { ReplayLane } from "./replay-lane.js";
import { rulesetOf, type PortableRuleset } from "./replay-worker.js";

export interface FileHalfData {
  path: string;
  /** The second half's first byte (a line's start). */
  start: number;
  strict: boolean;
  candidate: PortableRuleset;
  baseline?: PortableRuleset;
  labelDelayMs: number;
  /** Positions of the replay this worker has gone through, for the main thread's progress. */
  progress: Int32Array;
}

/** What the worker sends once its half is read: its summary, its line count, its bad lines (lines from 1 within the half); or, with strict, its first bad line. */
export type HalfRead = { summary: HalfSummary; lines: number; skipped: { line: number; reason: string }[] } | { failed: { line: number; reason: string } };

/** The worker's side of `replayFile`: the second half of the file, read, identified and evaluated here. */
async function replaySecondHalf(data: FileHalfData, port: NonNullable<typeof parentPort>): Promise<void> {
  const next = inbox(port);
  let read;
  try {
    read = await readRange(data.path, { start: data.start }, { strict: data.strict });
  } catch (err) {
    if (!(err instanceof InputLineError)) throw err;
    port.postMessage({ failed: { line: err.line, reason: err.reason } } satisfies HalfRead);
    return;
  }
  const lane = new ReplayLane(rulesetOf(data.candidate), data.baseline ? rulesetOf(data.baseline) : undefined, data.labelDelayMs);
  const half = new ReplayHalf(read.attempts, lane);
  const summary = half.summary();
  port.postMessage({ summary, lines: read.lines, skipped: read.skipped.map(({ line, reason }) => ({ line, reason })) } satisfies HalfRead);
  const first = ((await next()) as { summary: HalfSummary }).summary;
  const order = replayOrder(first.tsMs, summary.tsMs);
  const pairs = half.identify();
  port.postMessage({ pairs }, [pairs.buffer]);
  const theirPairs = ((await next()) as { pairs: Int32Array }).pairs;
  await half.replay(order, 1, first, theirPairs, (positions) => Atomics.store(data.progress, 0, positions));
  port.postMessage({ result: lane.result() });
}

if (!isMainThread && parentPort && workerData?.replayFileHalf) {
  const port = parentPort;
  replaySecondHalf(workerData.replayFileHalf as FileHalfData, port).catch((err: unknown) => {
    // Thrown outside the promise, it ends the worker with an "error" event the main thread awaits.
    setImmediate(() => {
      throw err;
    });
  });
}
