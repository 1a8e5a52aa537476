import { Packr } from "msgpackr";
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { fileLines, InputLineError, LineReader, PACK_OPTIONS, type HalfMessage } from "./input.js";

/** Attempts sent to the main thread at a time. */
const BATCH = 4096;

/** The second half of an NDJSON input, from byte `start` (a line's start), for `readAttempts`; lines numbered from 1. */
async function readHalf({ path, start, strict }: { path: string; start: number; strict: boolean }, port: MessagePort): Promise<void> {
  const packr = new Packr(PACK_OPTIONS);
  const send = (message: HalfMessage) => port.postMessage(message);
  // A copy of the packed bytes (the packer reuses its buffer), moved rather than copied again.
  const sendAttempts = (attempts: unknown[]) => {
    const packed = Uint8Array.from(packr.pack(attempts));
    port.postMessage({ attempts: packed } satisfies HalfMessage, [packed.buffer]);
  };
  const reader = new LineReader({ strict });
  let lineNumber = 0;
  try {
    for await (const text of fileLines(path, { start })) {
      reader.read(text, ++lineNumber);
      if (reader.attempts.length >= BATCH) sendAttempts(reader.attempts.splice(0));
    }
  } catch (err) {
    // With strict, the first bad line: the main thread throws it unless its own half has an earlier one.
    if (!(err instanceof InputLineError)) throw err;
    send({ skipped: [{ line: err.line, reason: err.reason }] });
    return;
  }
  if (reader.attempts.length > 0) sendAttempts(reader.attempts);
  send({ skipped: reader.skipped.map(({ line, reason }) => ({ line, reason })) });
}

if (!isMainThread && parentPort && workerData?.readHalf) readHalf(workerData.readHalf, parentPort);
