import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { fileLines, InputLineError, LineReader, type HalfRead } from "./input.js";

/** The second half of an NDJSON input, from byte `start` (a line's start), for `readAttempts`; lines numbered from 1. */
async function readHalf({ path, start, strict }: { path: string; start: number; strict: boolean }): Promise<HalfRead> {
  const reader = new LineReader({ strict });
  let lineNumber = 0;
  try {
    for await (const text of fileLines(path, { start })) reader.read(text, ++lineNumber);
  } catch (err) {
    // With strict, the first bad line: the main thread throws it unless its own half has an earlier one.
    if (!(err instanceof InputLineError)) throw err;
    return { attempts: "[]", skipped: [{ line: err.line, reason: err.reason }] };
  }
  return { attempts: JSON.stringify(reader.attempts), skipped: reader.skipped.map(({ line, reason }) => ({ line, reason })) };
}

if (!isMainThread && parentPort && workerData?.readHalf) {
  const port = parentPort;
  readHalf(workerData.readHalf).then((half) => port.postMessage(half));
}
