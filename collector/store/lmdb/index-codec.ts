import { historyBytes } from "../keys.js";
import type { HistoryEntry, IdentifierHashes } from "../types.js";
import { IDENTIFIER_KINDS, type IdentifierKind } from "../../identity/normalise.js";

/**
 * The identifier index's key encoder: keys are byte strings (keys.ts `historyBytes`), written and
 * read as latin1, so reading a key back makes one string and no buffer.
 */
export const indexKeyEncoder = {
  writeKey(key: string | Uint8Array, target: Buffer, start: number): number {
    if (typeof key === "string") return start + target.write(key, start, "latin1");
    target.set(key, start);
    return start + key.length;
  },
  readKey(source: Buffer, start: number, end: number): string {
    return (source as NodeBuffer).latin1Slice(start, end);
  },
};

/** Node's Buffer methods under `toString` (which lmdb-js uses too): the same text without its argument checks, once per entry read. */
type NodeBuffer = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/** An index value as lmdb-js hands it to the decoder: its bytes, valid only until the read moves on. */
export interface RawIndexValue {
  bytes: Buffer;
  size: number;
}

/**
 * The index's value encoder. Values are written as UTF-8 text, as the `string` encoding wrote them
 * (so stores written before read the same), but decoding copies nothing: it hands back the bytes
 * lmdb-js has just read, in one reused object, and DecodedValues makes text of them only for an
 * attempt it has not seen. Only a range read that consumes each value before the next uses it.
 */
export const indexValueEncoder = {
  encode(value: string): Buffer {
    return Buffer.from(value, "utf8");
  },
  decode(bytes: Buffer, size: unknown): RawIndexValue {
    RAW.bytes = bytes;
    RAW.size = typeof size === "number" ? size : bytes.length;
    return RAW;
  },
};

const RAW: RawIndexValue = { bytes: Buffer.alloc(0), size: 0 };

/** What the index's database takes (text) and gives back (raw bytes). */
export type IndexValue = string | RawIndexValue;

const KIND_CHARS = new Map<IdentifierKind, string>(IDENTIFIER_KINDS.map((kind, i) => [kind, String.fromCharCode(i)]));

/**
 * The value of an index entry: what the attempt shares with others (its site and every identifier),
 * so linkage needs no second read. A string (stored as UTF-8): the site key's length and the site
 * key, then per identifier its kind, its hash's length and the hash, as text, because that is how
 * a HistoryEntry returns them (decoding 16-byte hashes back to base64url cost more than it saved).
 * One attempt writes the same value under each of its identifiers, so it is encoded once.
 */
export function encodeIndexValue(siteKey: string, ids: IdentifierHashes): string {
  let value = String.fromCharCode(siteKey.length) + siteKey;
  for (const [kind, hash] of Object.entries(ids) as [IdentifierKind, string][]) {
    value += KIND_CHARS.get(kind)! + String.fromCharCode(hash.length) + hash;
  }
  return value;
}

/**
 * Decoded index entries by attempt, for one store. An assess reads the same earlier attempts under
 * several identifiers (a returning buyer's device, e-mail, card and address lead to the same orders),
 * so each attempt's entry is decoded once and the one HistoryEntry shared by all its identifiers'
 * reads. The key past `kind · hash` (the attempt's time and id, its "tail") names the attempt. The
 * cache is direct-mapped, a slot per tail's last characters (the id's random part), so a known attempt
 * (most entries an assess reads are) costs one string comparison: no map look-up, no allocation. An
 * attempt's identifiers never change, so an entry stays right until retention removes the attempt
 * (and then it is not read). Readers never change the shared objects.
 */
export class DecodedValues {
  private readonly tails: string[];
  private readonly entries: (HistoryEntry | null)[];
  private readonly mask: number;

  /** `slots`: a power of two. */
  constructor(slots = 1 << 15) {
    this.tails = new Array<string>(slots).fill("");
    this.entries = new Array<HistoryEntry | null>(slots).fill(null);
    this.mask = slots - 1;
  }

  /** One index entry back as a HistoryEntry; `prefixLength` is the length of the key's `kind · hash`. */
  entry(key: string, value: IndexValue, prefixLength: number): HistoryEntry {
    const slot = tailHash(key) & this.mask;
    const tail = this.tails[slot]!;
    if (key.length - prefixLength === tail.length && key.endsWith(tail)) return this.entries[slot]!;
    const { tsMs, attemptId } = historyBytes.read(key, prefixLength);
    const { siteKey, ids } = decodeIndexValue(typeof value === "string" ? value : (value.bytes as NodeBuffer).utf8Slice(0, value.size));
    const entry = { attemptId, siteKey, tsMs, ids };
    this.tails[slot] = key.slice(prefixLength);
    this.entries[slot] = entry;
    return entry;
  }
}

/** A key's last 4 characters: the random end of an attempt id. */
function tailHash(key: string): number {
  const n = key.length;
  return (key.charCodeAt(n - 1) << 24) ^ (key.charCodeAt(n - 2) << 16) ^ (key.charCodeAt(n - 3) << 8) ^ key.charCodeAt(n - 4);
}

function decodeIndexValue(value: string): { siteKey: string; ids: IdentifierHashes } {
  const siteEnd = 1 + value.charCodeAt(0);
  const ids: IdentifierHashes = {};
  for (let at = siteEnd; at < value.length; ) {
    const kind = IDENTIFIER_KINDS[value.charCodeAt(at)]!;
    const end = at + 2 + value.charCodeAt(at + 1);
    ids[kind] = value.slice(at + 2, end);
    at = end;
  }
  return { siteKey: value.slice(1, siteEnd), ids };
}
