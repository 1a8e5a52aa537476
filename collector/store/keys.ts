import type { IdentifierKind } from "../identity/normalise.js";

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
  /** Which layout an LMDB store's databases are in (see LmdbStore.moveToIdentifierRows). */
  layout: (): KeyPart[] => ["layout"],
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
