import { IDENTIFIER_KINDS, type IdentifierKind } from "../../identity/normalise.js";
import type { IdentifierHashes } from "../types.js";

/**
 * An attempt's row in the LMDB store's `attempt-identifiers` database (key: the attempt id): what the
 * in-memory identifier history (identifier-history.ts) is rebuilt from when the store opens, small
 * enough that a million rows read in seconds, where the full attempt records take most of a minute.
 *
 * Bytes: a format byte (1), the time as a float64, the site key's UTF-8 length (1 byte) and bytes,
 * then per identifier its kind (its place in IDENTIFIER_KINDS), its hash's UTF-8 length and bytes.
 */
const FORMAT = 1;
const KIND_NUMBERS = new Map<IdentifierKind, number>(IDENTIFIER_KINDS.map((kind, i) => [kind, i]));

/** An identifier kind's number in rows (its place in IDENTIFIER_KINDS). */
export function kindNumber(kind: IdentifierKind): number {
  const number = KIND_NUMBERS.get(kind);
  if (number === undefined) throw new Error(`unknown identifier kind ${kind}`);
  return number;
}

export function encodeAttemptIdentifiers(tsMs: number, siteKey: string, ids: IdentifierHashes): Buffer {
  const site = Buffer.from(siteKey, "utf8");
  if (site.length > 255) throw new Error("a site key is at most 255 bytes");
  const parts: [number, Buffer][] = [];
  let size = 1 + 8 + 1 + site.length;
  for (const kind in ids) {
    const hash = ids[kind as IdentifierKind];
    if (hash === undefined) continue;
    const bytes = Buffer.from(hash, "utf8");
    if (bytes.length > 255) throw new Error(`an identifier hash is at most 255 bytes (${kind})`);
    parts.push([kindNumber(kind as IdentifierKind), bytes]);
    size += 2 + bytes.length;
  }
  const row = Buffer.allocUnsafe(size);
  row[0] = FORMAT;
  row.writeDoubleLE(tsMs, 1);
  row[9] = site.length;
  site.copy(row, 10);
  let at = 10 + site.length;
  for (const [kind, bytes] of parts) {
    row[at] = kind;
    row[at + 1] = bytes.length;
    bytes.copy(row, at + 2);
    at += 2 + bytes.length;
  }
  return row;
}

/**
 * Reads a row without making a string of each hash: its time and site, and for each identifier its
 * kind (as a number) and where its hash's bytes are in `row`.
 */
export function scanAttemptIdentifiers(row: Buffer, onIdentifier: (kindNumber: number, start: number, end: number) => void): { tsMs: number; siteKey: string } {
  if (row[0] !== FORMAT) throw new Error(`an attempt-identifiers row of unknown format ${row[0]}`);
  const siteEnd = 10 + row[9]!;
  for (let at = siteEnd; at < row.length; ) {
    const end = at + 2 + row[at + 1]!;
    if (IDENTIFIER_KINDS[row[at]!] === undefined || end > row.length) throw new Error("an attempt-identifiers row is cut short or names an unknown identifier kind");
    onIdentifier(row[at]!, at + 2, end);
    at = end;
  }
  return { tsMs: row.readDoubleLE(1), siteKey: row.toString("utf8", 10, siteEnd) };
}
