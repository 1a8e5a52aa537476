import { readFileSync } from "node:fs";
import { z } from "zod";
import { describeIssues } from "../validation.js";
import { InputLineError } from "./line-error.js";

/** The separators a mapping may name: spreadsheet programs in much of Europe write ";", and tab-separated exports are common. */
export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Splits one CSV line (RFC 4180 quoting; a quoted field may not span lines) at `delimiter`. */
export function parseCsvLine(text: string, line: number, delimiter: CsvDelimiter = ","): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let cell = "";
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new InputLineError(line, "a quoted CSV field is not closed");
        cell += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          cell += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      cells.push(cell);
      if (i < text.length && text[i] !== delimiter) throw new InputLineError(line, `unexpected text after a quoted CSV field at column ${i + 1}`);
    } else {
      const next = text.indexOf(delimiter, i);
      cells.push(text.slice(i, next < 0 ? text.length : next).trim());
      i = next < 0 ? text.length : next;
    }
    if (i >= text.length) return cells;
    i += 1;
  }
}

const FIELDS = [
  "ts", "ip", "device.id", "label",
  "order.id", "order.amount", "order.currency", "order.email", "order.phone",
  "order.customer.id", "order.customer.createdAt", "order.customer.name", "order.customer.segment", "order.customer.orgNumber",
  "order.shipping.name", "order.shipping.line1", "order.shipping.line2", "order.shipping.postalCode", "order.shipping.city", "order.shipping.country",
  "order.billing.name", "order.billing.line1", "order.billing.line2", "order.billing.postalCode", "order.billing.city", "order.billing.country",
  "order.payment.method", "order.payment.cardBin", "order.payment.cardLast4",
  "signals.timezone", "signals.userAgent",
] as const;

const columnRule = z
  .strictObject({
    column: z.string().min(1).optional(),
    value: z.union([z.string(), z.number()]).optional(),
    format: z.enum(["string", "integer", "number", "major-units", "datetime", "ipv4-integer"]).default("string"),
    /** major-units: digits after the point in the currency (2 for dollars and kronor). */
    decimals: z.int().min(0).max(4).default(2),
    /** datetime without a zone: the offset it was written in, e.g. "+01:00" (default UTC). */
    utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'an offset such as "+01:00"').default("+00:00"),
    prefix: z.string().max(50).default(""),
    map: z.record(z.string(), z.union([z.string(), z.null()])).optional(),
  })
  .refine((rule) => (rule.column === undefined) !== (rule.value === undefined), "give exactly one of column or value");

const mappingSchema = z.strictObject({
  description: z.string().optional(),
  delimiter: z.enum(CSV_DELIMITERS).default(","),
  fields: z.partialRecord(z.enum(FIELDS), columnRule).refine((fields) => fields["ts"] && fields["order.id"], "ts and order.id are required"),
});

type ColumnRule = z.output<typeof columnRule>;

export interface CsvMapping {
  /** The mapping as its file gave it: another thread builds the same mapping from it (`csvMappingOf`). */
  source: unknown;
  /** What separates the cells of a line. */
  delimiter: CsvDelimiter;
  checkHeader(header: string[]): void;
  toRecord(header: string[], cells: string[], line: number): Record<string, unknown>;
}

/** Loads a mapping file: which CSV column is which attempt field, with the conversion to apply. */
export function loadCsvMapping(path: string): CsvMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`mapping ${path}: ${(err as Error).message}`);
  }
  return csvMappingOf(raw, `mapping ${path}`);
}

/** The mapping of a mapping file's JSON (`raw`); a problem is thrown named after `name`. */
export function csvMappingOf(raw: unknown, name: string): CsvMapping {
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}:\n${describeIssues(parsed.error).map((p) => `  ${p}`).join("\n")}`);
  const fields = Object.entries(parsed.data.fields) as [string, ColumnRule][];
  const { delimiter } = parsed.data;
  return {
    source: raw,
    delimiter,
    checkHeader(header) {
      const missing = fields.filter(([, rule]) => rule.column !== undefined && !header.includes(rule.column)).map(([, rule]) => rule.column);
      if (missing.length === 0) return;
      const other = header.length === 1 ? CSV_DELIMITERS.find((d) => d !== delimiter && header[0]!.includes(d)) : undefined;
      const hint = other === undefined ? "" : `; if its cells are separated by ${JSON.stringify(other)}, say so in the mapping: "delimiter": ${JSON.stringify(other)}`;
      throw new Error(`the CSV header has no column ${missing.map((c) => `"${c}"`).join(", ")} (it has: ${header.join(", ")})${hint}`);
    },
    toRecord(header, cells, line) {
      const record: Record<string, unknown> = {};
      for (const [path, rule] of fields) {
        const text = rule.column === undefined ? String(rule.value) : (cells[header.indexOf(rule.column)] ?? "");
        if (text === "") continue;
        const value = convert(rule, text, path, line);
        if (value !== null) setPath(record, path, value);
      }
      return record;
    },
  };
}

function convert(rule: ColumnRule, text: string, path: string, line: number): unknown {
  if (rule.map) {
    if (!(text in rule.map)) throw new InputLineError(line, `${path}: "${text}" is not one of the mapped values (${Object.keys(rule.map).join(", ")})`);
    return rule.map[text] ?? null;
  }
  const fail = (what: string) => new InputLineError(line, `${path}: "${text}" is not ${what}`);
  switch (rule.format) {
    case "string":
      return rule.prefix + text;
    case "integer": {
      const n = Number(text);
      if (!Number.isFinite(n)) throw fail("a number");
      return Math.round(n);
    }
    case "number": {
      const n = Number(text);
      if (!Number.isFinite(n)) throw fail("a number");
      return n;
    }
    case "major-units": {
      const n = Number(text.replace(/[\s_]/g, "").replace(/,(\d{1,4})$/, ".$1"));
      if (!Number.isFinite(n) || n < 0) throw fail("an amount");
      return Math.round(n * 10 ** rule.decimals);
    }
    case "datetime": {
      const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
      if (!match) throw fail("a date-time such as 2015-02-24 22:55");
      const iso = `${match[1]}T${match[2]}${match[3] ?? ":00"}${match[4] ?? rule.utcOffset}`;
      const ms = Date.parse(iso);
      if (!Number.isFinite(ms)) throw fail("a date-time");
      return new Date(ms).toISOString();
    }
    case "ipv4-integer": {
      const n = Math.round(Number(text));
      if (!Number.isFinite(n) || n < 0 || n > 0xffffffff) throw fail("an IPv4 address written as an integer");
      return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
    }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}
