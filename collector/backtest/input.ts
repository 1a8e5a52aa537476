import { createReadStream } from "node:fs";
import { isIP } from "node:net";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { EnvironmentSignals } from "../../sdk/protocol.js";
import { orderSchema, type Order } from "../assess/request.js";
import type { Label } from "../store/types.js";
import { signalsSchema } from "../protocol/client-frame.js";
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
  const parsed = attemptLine.safeParse(value);
  if (!parsed.success) throw new InputLineError(line, describeIssues(parsed.error).join("; "));
  const { ts, order, ip, device, signals, label } = parsed.data;
  const attempt: BacktestAttempt = { line, tsMs: typeof ts === "number" ? ts : Date.parse(ts), order, label: label ?? null };
  if (ip) attempt.ip = ip;
  if (device) attempt.deviceId = device.id;
  if (signals) attempt.signals = signals;
  return attempt;
}

export interface ReadResult {
  attempts: BacktestAttempt[];
  skipped: InputLineError[];
}

/**
 * Reads a whole NDJSON (or, with a mapping, CSV) file. A bad line is collected in `skipped` with
 * its number and reason, or, with `strict`, thrown. Blank lines are ignored.
 */
export async function readAttempts(path: string, options: { strict?: boolean; csv?: CsvMapping; onLine?: (line: number) => void } = {}): Promise<ReadResult> {
  const attempts: BacktestAttempt[] = [];
  const skipped: InputLineError[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let lineNumber = 0;
  let header: string[] | undefined;
  for await (const text of lines) {
    lineNumber += 1;
    options.onLine?.(lineNumber);
    if (text.trim() === "") continue;
    try {
      if (options.csv) {
        const cells = parseCsvLine(text, lineNumber);
        if (!header) {
          header = cells;
          options.csv.checkHeader(header);
          continue;
        }
        attempts.push(toAttempt(options.csv.toRecord(header, cells, lineNumber), lineNumber));
      } else {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new InputLineError(lineNumber, `not valid JSON: ${(err as Error).message}`);
        }
        attempts.push(toAttempt(value, lineNumber));
      }
    } catch (err) {
      if (!(err instanceof InputLineError)) throw err;
      if (options.strict) throw err;
      skipped.push(err);
    }
  }
  return { attempts, skipped };
}
