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
    return source.toString("latin1", start, end);
  },
};

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
 * Decoded index values by attempt id, for one store. An assess reads the same earlier attempts under
 * several identifiers (a returning buyer's device, e-mail, card and address lead to the same orders),
 * so each value is decoded once and its objects shared by those entries. An attempt's identifiers
 * never change, so an entry stays right until retention removes the attempt (and then it is not read).
 * Bounded: cleared when full. Readers never change the shared objects.
 */
export class DecodedValues {
  private readonly byAttempt = new Map<string, { siteKey: string; ids: IdentifierHashes }>();

  constructor(private readonly limit = 20_000) {}

  /** One index entry back as a HistoryEntry; `prefixLength` is the length of the key's `kind · hash`. */
  entry(key: string, value: string, prefixLength: number): HistoryEntry {
    const { tsMs, attemptId } = historyBytes.read(key, prefixLength);
    let shared = this.byAttempt.get(attemptId);
    if (shared === undefined) {
      shared = decodeIndexValue(value);
      if (this.byAttempt.size >= this.limit) this.byAttempt.clear();
      this.byAttempt.set(attemptId, shared);
    }
    return { attemptId, siteKey: shared.siteKey, tsMs, ids: shared.ids };
  }
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
