import { parseArgs } from "node:util";
import { DEFAULT_DAYS, DEFAULT_START_MS, generateAttempts, MAX_DAYS, MAX_ORDERS } from "../backtest/generate.js";

export const GENERATE_USAGE = `usage: vakt generate --seed N --orders N [--days N] [--start ISO]
  --seed N        a whole number from 0: the same seed writes the same lines
  --orders N      how many attempts to write, 1 to ${MAX_ORDERS.toLocaleString("en")}
  --days N        the period they are spread over, in days (default ${DEFAULT_DAYS}; decimals allowed)
  --start ISO     when the period starts (default ${new Date(DEFAULT_START_MS).toISOString()})
Writes realistic checkout traffic, about 5% of it labelled fraud, as backtest input (one JSON
attempt per line, CONTRACT §7) to stdout: vakt generate --seed 7 --orders 20000 > attempts.ndjson`;

class UsageError extends Error {}

/** Lines are written in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

/** `vakt generate ...`: returns the exit code (0 written, or the reader went away; 1 a write failed; 2 usage). */
export async function generateCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let options;
  try {
    options = parseOptions(args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`vakt generate: ${(err as Error).message}\n${GENERATE_USAGE}`);
      return 2;
    }
    throw err;
  }
  if (options === "help") {
    console.log(GENERATE_USAGE);
    return 0;
  }
  try {
    await writeLines(out, lines(options));
    return 0;
  } catch (err) {
    console.error(`vakt generate: writing failed: ${(err as Error).message}`);
    return 1;
  }
}

function* lines(options: { seed: number; orders: number; days: number; startMs: number }): Generator<string> {
  for (const { attempt } of generateAttempts(options)) yield `${JSON.stringify(attempt)}\n`;
}

function parseOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      seed: { type: "string" },
      orders: { type: "string" },
      days: { type: "string" },
      start: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help" as const;
  if (values.seed === undefined) throw new UsageError("--seed N is required");
  if (values.orders === undefined) throw new UsageError("--orders N is required");
  const seed = wholeNumber(values.seed, "--seed", 0, Number.MAX_SAFE_INTEGER);
  const orders = wholeNumber(values.orders, "--orders", 1, MAX_ORDERS);
  let days = DEFAULT_DAYS;
  if (values.days !== undefined) {
    days = /^\d+(\.\d+)?$/.test(values.days) ? Number(values.days) : NaN;
    if (!(days > 0 && days <= MAX_DAYS)) throw new UsageError(`--days: "${values.days}" is not a number of days above 0 and at most ${MAX_DAYS}`);
  }
  let startMs = DEFAULT_START_MS;
  if (values.start !== undefined) {
    startMs = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(values.start) ? Date.parse(values.start) : NaN;
    if (!Number.isFinite(startMs)) throw new UsageError(`--start: "${values.start}" is not an ISO-8601 date or time such as 2026-03-01 or 2026-03-01T00:00:00Z`);
  }
  return { seed, orders, days, startMs };
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new UsageError(`${flag}: "${text}" is not a whole number from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}`);
  }
  return value;
}

/**
 * Writes the lines in chunks, waiting for 'drain' whenever the stream asks to, and yielding to the
 * event loop after each chunk so that an error (a closed pipe) is seen at once. A reader that went away
 * (EPIPE: `vakt generate ... | head`) ends the writing quietly; any other error is thrown.
 */
async function writeLines(out: NodeJS.WritableStream, source: Iterable<string>): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    failure ??= err;
  };
  out.on("error", onError);
  let chunk = "";
  const flush = async () => {
    const isReady = out.write(chunk);
    chunk = "";
    if (isReady) await new Promise<void>((resolve) => setImmediate(resolve));
    else await drained(out);
  };
  for (const text of source) {
    chunk += text;
    if (chunk.length >= CHUNK_CHARS) await flush();
    if (failure) break;
  }
  if (!failure) {
    await new Promise<void>((resolve) => {
      out.write(chunk, (err) => {
        if (err) failure ??= err;
        resolve();
      });
    });
  }
  // After a failure the listener stays: a stream that failed may emit its error once more, and an unheard 'error' would crash.
  if (!failure) out.off("error", onError);
  if (failure && failure.code !== "EPIPE") throw failure;
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("error", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("error", done);
    out.on("close", done);
  });
}
