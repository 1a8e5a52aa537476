import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { z } from "zod";
import type { EnvironmentSignals } from "../../sdk/protocol.js";
import { isPlainObject, orderSchema, readOrder, type Order } from "../assess/request.js";
import type { Label } from "../store/types.js";
import { signalsSchema } from "../protocol/client-frame.js";
import { isSignals } from "../protocol/frame-check.js";
import { describeIssues } from "../validation.js";
import { parseCsvLine, type CsvMapping } from "./csv.js";
import { InputLineError } from "./line-error.js";

export { InputLineError };

/** One past attempt to replay (CONTRACT §7). */
export interface BacktestAttempt {
  /** 1-based line number in the input, for reports. */
  line: number;
  tsMs: number;
  order: Order;
  ip?: string;
  deviceId?: string;
  signals?: EnvironmentSignals;
  label: Label | null;
}

const timestamp = z.union([
  z.number().int().min(0).max(8.64e15),
  z.string().refine((text) => Number.isFinite(Date.parse(text)), "not an ISO-8601 time"),
]);

const attemptLine = z.strictObject({
  ts: timestamp,
  order: orderSchema,
  ip: z.string().refine((ip) => isIP(ip) !== 0, "not an IP address").optional().nullable(),
  device: z.strictObject({ id: z.string().min(1).max(200) }).optional().nullable(),
  signals: signalsSchema.optional().nullable(),
  label: z.enum(["fraud", "legit"]).optional().nullable(),
});

/** Validates one parsed attempt object; throws InputLineError naming the field. */
export function toAttempt(value: unknown, line: number): BacktestAttempt {
  return readAttemptLine(value, line) ?? parseAttemptLine(value, line);
}

/** `toAttempt` by the schema: the reference, and the messages for a bad line. */
export function parseAttemptLine(value: unknown, line: number): BacktestAttempt {
  const parsed = attemptLine.safeParse(value);
  if (!parsed.success) throw new InputLineError(line, describeIssues(parsed.error).join("; "));
  const { ts, order, ip, device, signals, label } = parsed.data;
  const attempt: BacktestAttempt = { line, tsMs: typeof ts === "number" ? ts : Date.parse(ts), order, label: label ?? null };
  if (ip) attempt.ip = ip;
  if (device) attempt.deviceId = device.id;
  if (signals) attempt.signals = signals;
  return attempt;
}

const LINE_KEYS = new Set(["ts", "order", "ip", "device", "signals", "label"]);

/**
 * The attempt as `parseAttemptLine` would give it, checked by hand, or undefined for anything it does
 * not plainly accept (the schema then names the problem). The schema's walk of a line took about four
 * fifths of reading a file; the test holds the two to the same answers.
 */
export function readAttemptLine(value: unknown, line: number): BacktestAttempt | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const key in value) if (!LINE_KEYS.has(key)) return undefined;
  const { ts, ip, device, signals, label } = value;
  let tsMs: number;
  if (typeof ts === "number") {
    if (!Number.isInteger(ts) || ts < 0 || ts > 8.64e15) return undefined;
    tsMs = ts;
  } else if (typeof ts === "string") {
    tsMs = Date.parse(ts);
    if (!Number.isFinite(tsMs)) return undefined;
  } else return undefined;
  const order = readOrder(value.order);
  if (order === undefined) return undefined;
  if (label !== undefined && label !== null && label !== "fraud" && label !== "legit") return undefined;
  const attempt: BacktestAttempt = { line, tsMs, order, label: label ?? null };
  if (ip !== undefined && ip !== null) {
    if (typeof ip !== "string" || isIP(ip) === 0) return undefined;
    attempt.ip = ip;
  }
  if (device !== undefined && device !== null) {
    const id = readDeviceId(device);
    if (id === undefined) return undefined;
    attempt.deviceId = id;
  }
  if (signals !== undefined && signals !== null) {
    if (!isSignals(signals)) return undefined;
    attempt.signals = signals;
  }
  return attempt;
}

function readDeviceId(device: unknown): string | undefined {
  if (!isPlainObject(device)) return undefined;
  for (const key in device) if (key !== "id") return undefined;
  const { id } = device;
  return typeof id === "string" && id.length >= 1 && id.length <= 200 ? id : undefined;
}

export interface ReadResult {
  attempts: BacktestAttempt[];
  skipped: InputLineError[];
}

export interface ReadOptions {
  strict?: boolean;
  csv?: CsvMapping;
  /** The CSV's header, for a part of the file after it. */
  csvHeader?: string[];
  /** Bytes of the file (or of the range) read so far, after each read of up to 1 MiB. */
  onBytes?: (bytes: number) => void;
}


/** Turns lines into attempts, in order: the CSV header first, blank lines ignored, bad lines collected (or thrown with `strict`). */
export class LineReader {
  readonly attempts: BacktestAttempt[] = [];
  readonly skipped: InputLineError[] = [];
  private header: string[] | undefined;

  /** `csvHeader`: the CSV's header, when these lines come after it (a part of the file other than its start). */
  constructor(private readonly options: Pick<ReadOptions, "strict" | "csv" | "csvHeader">) {
    this.header = options.csvHeader;
  }

  read(text: string, lineNumber: number): void {
    if (text.trim() === "") return;
    const { csv } = this.options;
    try {
      if (csv) {
        const cells = parseCsvLine(text, lineNumber, csv.delimiter);
        if (!this.header) {
          this.header = cells;
          csv.checkHeader(this.header);
          return;
        }
        this.attempts.push(toAttempt(csv.toRecord(this.header, cells, lineNumber), lineNumber));
      } else {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new InputLineError(lineNumber, `not valid JSON: ${(err as Error).message}`);
        }
        this.attempts.push(toAttempt(value, lineNumber));
      }
    } catch (err) {
      if (!(err instanceof InputLineError)) throw err;
      if (this.options.strict) throw err;
      this.skipped.push(err);
    }
  }
}

const NEWLINE = 10;
const RETURN = 13;

/**
 * Lines of the file from byte `start` to byte `end` (inclusive; the whole file by default), as
 * readline gives them (but without a UTF-8 byte order mark at the file's start): a line ends at
 * "\n", "\r\n" or a lone "\r", and a last line without an end is a line. Each line is found in the
 * bytes and decoded alone: readline's decoding and splitting of the whole stream took about a sixth
 * of the time to read a file. A gzip-compressed file is decompressed as it is read (whole only).
 * `onBytes` is given the bytes read from the file so far (compressed, for a compressed file).
 */
export async function* fileLines(path: string, range: { start?: number; end?: number } = {}, onBytes?: (bytes: number) => void): AsyncGenerator<string> {
  const isFileStart = (range.start ?? 0) === 0;
  const isCompressed = isFileStart && isGzipFile(path);
  if (isCompressed && range.end !== undefined) throw new Error(`${path} is gzip-compressed: it is read whole, not in parts`);
  const file = createReadStream(path, { ...range, highWaterMark: 1 << 20 });
  let bytes = 0;
  if (onBytes) file.on("data", (chunk: string | Buffer) => onBytes((bytes += chunk.length)));
  const chunks = isCompressed ? pipeline(file, createGunzip({ chunkSize: 1 << 20 }), () => {}) : file;
  try {
    yield* linesOfChunks(chunks as AsyncIterable<Buffer>, isFileStart);
  } catch (err) {
    if (isCompressed && /^Z_/.test((err as { code?: string }).code ?? "")) throw new Error(`${path} is gzip-compressed but cannot be decompressed: ${(err as Error).message}`);
    throw err;
  }
}

/** Whether the file starts as a gzip stream does (a compressed export, `attempts.ndjson.gz`). */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The lines of a file read in `chunks` (see fileLines). */
async function* linesOfChunks(chunks: AsyncIterable<Buffer>, isFileStart: boolean): AsyncGenerator<string> {
  /** The start of a line that goes on in the next read (a line longer than a read spans several). */
  let rest: Buffer[] = [];
  for await (const chunk of chunks) {
    let start = 0;
    if (isFileStart) {
      isFileStart = false;
      // A byte order mark, as spreadsheet programs write before UTF-8: not part of the first line.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    }
    let end = chunk.indexOf(NEWLINE, start);
    if (end >= 0 && rest.length > 0) {
      rest.push(chunk.subarray(0, end));
      const line = Buffer.concat(rest);
      yield* linesOf(line, 0, line.length);
      rest = [];
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    for (; end >= 0; start = end + 1, end = chunk.indexOf(NEWLINE, start)) yield* linesOf(chunk, start, end);
    if (start < chunk.length) rest.push(chunk.subarray(start));
  }
  if (rest.length > 0) {
    const line = Buffer.concat(rest);
    yield* linesOf(line, 0, line.length);
  }
}

/** The line (or, with lone "\r"s in it, lines) in `bytes` from `start` to just before `end`, where a "\n" or the input ended. */
function linesOf(bytes: Buffer, start: number, end: number): string[] {
  if (end > start && bytes[end - 1] === RETURN) end--;
  const text = bytes.toString("utf8", start, end);
  return text.includes("\r") ? text.split("\r") : [text];
}

/**
 * Reads a whole NDJSON (or, with a mapping, CSV) file. A bad line is collected in `skipped` with
 * its number and reason, or, with `strict`, thrown (the first in the file). Blank lines are ignored.
 */
export async function readAttempts(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const { attempts, skipped } = await readRange(path, {}, options);
  return { attempts, skipped };
}

/** As `readAttempts`, for the lines from byte `start` to byte `end` (see fileLines), numbered from 1 within them; also counts them. */
export async function readRange(path: string, range: { start?: number; end?: number }, options: ReadOptions): Promise<ReadResult & { lines: number }> {
  const reader = new LineReader(options);
  let lines = 0;
  for await (const text of fileLines(path, range, options.onBytes)) {
    lines += 1;
    reader.read(text, lines);
  }
  return { attempts: reader.attempts, skipped: reader.skipped, lines };
}

/**
 * The cells of a CSV file's header when it is the file's first line and reads as one: what a part of
 * the file other than its start is read with. Undefined otherwise (a blank or bad first line: the
 * file is then read whole, from its start).
 */
export async function csvHeaderOf(path: string, csv: CsvMapping): Promise<string[] | undefined> {
  for await (const text of fileLines(path)) {
    if (text.trim() === "") return undefined;
    try {
      return parseCsvLine(text, 1, csv.delimiter);
    } catch (err) {
      if (err instanceof InputLineError) return undefined;
      throw err;
    }
  }
  return undefined;
}

/** The byte just after the first newline at or after `fraction` of the file (a half: 0.5), or undefined if there is none before its end. */
export function splitAfterNewline(path: string, fraction: number): number | undefined {
  const size = statSync(path).size;
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let position = Math.floor(size * fraction); position < size; position += buffer.length) {
      const bytes = readSync(fd, buffer, 0, buffer.length, position);
      const at = buffer.subarray(0, bytes).indexOf(10);
      if (at >= 0) return position + at + 1 < size ? position + at + 1 : undefined;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
