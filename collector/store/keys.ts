import { IDENTIFIER_KINDS, type IdentifierKind } from "../identity/normalise.js";

type KeyPart = string | number;

/** Every store key is built here, so the LMDB and Redis layouts stay one design. */
export const keys = {
  secret: (name: string): KeyPart[] => ["secret", name],
  signingKeys: (): KeyPart[] => ["signing-keys"],
  /** Session and attempt ids start with their creation time, so ids sort by age (see ids.ts). */
  session: (id: string) => id,
  attempt: (id: string) => id,
  order: (siteKey: string, orderId: string): KeyPart[] => [siteKey, orderId],
  tokenUse: (jti: string) => jti,
  label: (attemptId: string) => attemptId,
  contact: (attemptId: string) => attemptId,
  /** Contacts by expiry, so the sweep finds expired ones with one range scan. */
  contactExpiry: (expiresAtMs: number, attemptId: string): KeyPart[] => [expiresAtMs, attemptId],
  challenge: (attemptId: string) => attemptId,
  /** Records that expire, by expiry time, so a sweep is one range scan. */
  expiry: (expiresAtMs: number, attemptId: string): KeyPart[] => [expiresAtMs, attemptId],
  openReview: (attemptId: string) => attemptId,
  list: (list: string, kind: IdentifierKind, hash: string): KeyPart[] => [list, kind, hash],
  /** Index entries sort by identifier, then time, so a window is one range scan. */
  history: (kind: IdentifierKind, hash: string, tsMs: number, attemptId: string): KeyPart[] => [kind, hash, tsMs, attemptId],
  historyFrom: (kind: IdentifierKind, hash: string, tsMs: number): KeyPart[] => [kind, hash, tsMs],
  historyEnd: (kind: IdentifierKind, hash: string): KeyPart[] => [kind, hash, Number.MAX_SAFE_INTEGER],
  /**
   * Redis keys. The part in `{}` is the hash tag: keys with the same tag share a cluster slot, so an
   * attempt's own records sit together and the global indexes can change in one MULTI.
   */
  redis: {
    secret: (name: string) => `vakt:secret:${name}`,
    signingKeys: () => "vakt:signing-keys",
    session: (id: string) => `vakt:ses:{${id}}`,
    attempt: (id: string) => `vakt:att:{${id}}`,
    label: (attemptId: string) => `vakt:label:{${attemptId}}`,
    contact: (attemptId: string) => `vakt:contact:{${attemptId}}`,
    challenge: (attemptId: string) => `vakt:challenge:{${attemptId}}`,
    order: (siteKey: string, orderId: string) => `vakt:order:{${siteKey}:${orderId}}`,
    tokenUse: (jti: string) => `vakt:jti:{${jti}}`,
    /** A sorted set per identifier: score = attempt time, member = the history entry. */
    history: (kind: IdentifierKind, hash: string) => `vakt:h:{${kind}:${hash}}`,
    /** A `legit` list entry: a hash with `a` = attempt id and `e` = the entry. */
    list: (list: string, kind: IdentifierKind, hash: string) => `vakt:list:{${list}:${kind}:${hash}}`,
    /**
     * The `fraud` list in one slot, so each collector can mirror it: one hash (field `kind:hash`, value
     * `attemptId atMs`), its version (the id of the change log's last entry) and the change log (a stream).
     */
    fraudList: () => "vakt:{graylist}:entries",
    fraudListVersion: () => "vakt:{graylist}:version",
    fraudListLog: () => "vakt:{graylist}:log",
    /** The global indexes, all in one slot: attempts (also per site) and sessions by time, open reviews (also per site), expiries, site keys. */
    index: (name: "attempts" | "sessions" | "reviews" | "contact-expiries" | "challenge-expiries" | "sites", siteKey?: string) =>
      siteKey === undefined ? `vakt:{index}:${name}` : `vakt:{index}:${name}:${siteKey}`,
  },
};

/**
 * The identifier index's keys in LMDB: `kind · hash · time · attempt id`, in the order of
 * `keys.history`, as byte strings (one char per byte, read and written as latin1 by the index's
 * key encoder). The kind is its position in IDENTIFIER_KINDS, a hash as the collector makes them
 * (identity/hash.ts: 16 bytes in base64url) its 16 bytes, the time 8 bytes big-endian: about 55
 * bytes instead of 70 as an ordered-binary array, and reading one back is a few char reads.
 */
export const historyBytes = {
  key(kind: IdentifierKind, hash: string, tsMs: number, attemptId: string): string {
    return identifierPrefix(kind, hash) + timeBytes(tsMs) + asBytes(attemptId);
  },
  /** This identifier's keys at or after `sinceMs`: from `low` (inclusive) to `high` (above them all). */
  range(kind: IdentifierKind, hash: string, sinceMs: number): { low: string; high: string; prefixLength: number } {
    const prefix = identifierPrefix(kind, hash);
    return { low: prefix + timeBytes(sinceMs), high: prefix + MAX_TIME, prefixLength: prefix.length };
  },
  /** The time and attempt id of a key whose `kind · hash` prefix is `prefixLength` long. */
  read(key: string, prefixLength: number): { tsMs: number; attemptId: string } {
    return { tsMs: historyBytes.time(key, prefixLength), attemptId: fromBytes(key.slice(prefixLength + 8)) };
  },
  /** Only the time of such a key. */
  time(key: string, prefixLength: number): number {
    let tsMs = 0;
    for (let i = prefixLength; i < prefixLength + 8; i++) tsMs = tsMs * 256 + key.charCodeAt(i);
    return tsMs;
  },
};

const MAX_TIME = timeBytes(Number.MAX_SAFE_INTEGER);
const KIND_CODES = new Map<IdentifierKind, string>(IDENTIFIER_KINDS.map((kind, i) => [kind, String.fromCharCode(i)]));
const BASE64URL_HASH = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** `kind · hash`: a hash as the collector makes them is tag 0 and its 16 bytes; any other text tag 1, its length and its UTF-8. */
export function identifierPrefix(kind: IdentifierKind, hash: string): string {
  const code = KIND_CODES.get(kind);
  if (code === undefined) throw new Error(`unknown identifier kind ${kind}`);
  if (hash.length === 22 && BASE64URL_HASH.test(hash)) return `${code}\u0000${Buffer.from(hash, "base64url").toString("latin1")}`;
  const text = asBytes(hash);
  if (text.length > 255) throw new Error("an identifier hash is at most 255 bytes");
  return `${code}\u0001${String.fromCharCode(text.length)}${text}`;
}

function timeBytes(time: number): string {
  let ms = Math.max(0, Math.floor(time));
  let bytes = "";
  for (let i = 0; i < 8; i++) {
    bytes = String.fromCharCode(ms % 256) + bytes;
    ms = Math.floor(ms / 256);
  }
  return bytes;
}

/** Text as a byte string of its UTF-8 (ASCII, as ids and site keys are, stays as it is). */
function asBytes(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, "utf8").toString("latin1");
}

function fromBytes(bytes: string): string {
  return /^[\x00-\x7f]*$/.test(bytes) ? bytes : Buffer.from(bytes, "latin1").toString("utf8");
}
