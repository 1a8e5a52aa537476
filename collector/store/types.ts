import type { EnvironmentSignals } from "../../sdk/protocol.js";
import type { IdentifierKind } from "../identity/normalise.js";
import type { AssessAnswer } from "../assess/answer.js";

/**
 * What a store knows an identifier by: a live store's keyed hash (text), or a backtest's replay store's
 * number (see ReplayKeys). The assess path's reads and the rules only compare keys, so they take either.
 */
export type IdentifierKey = string | number;
/** An attempt's identifiers, by kind, as the keys of one store. */
export type IdentifierHashes<K extends IdentifierKey = string> = Partial<Record<IdentifierKind, K>>;
export type Label = "fraud" | "legit";

export interface SessionRecord {
  id: string;
  siteKey: string;
  createdAtMs: number;
  updatedAtMs: number;
  ip?: string;
  origin?: string;
  /** The latest aggregate of what the script reported. */
  signals: EnvironmentSignals;
}

/** What an attempt shares with others: kept in every identifier's index entry so linkage needs no second read. */
export interface HistoryEntry<K extends IdentifierKey = string> {
  attemptId: string;
  siteKey: string;
  tsMs: number;
  ids: IdentifierHashes<K>;
}

export interface ReviewState {
  status: "open" | "approved" | "rejected";
  atMs: number;
  note?: string;
}

/** What an analyst needs of the order besides its identifiers: nothing personal (no names, contacts or addresses). */
export interface OrderSummary {
  amount?: number;
  currency?: string;
  items?: { sku?: string; name?: string; category?: string; quantity: number; unitPrice?: number }[];
  shippingCountry?: string;
  billingCountry?: string;
  paymentMethod?: string;
  customerSegment?: string;
  customerCreatedAt?: string;
}

export interface AttemptRecord extends Omit<HistoryEntry, "attemptId"> {
  id: string;
  orderId: string;
  tokenJti?: string;
  /** The answer given to the merchant, returned again for an idempotent repeat. */
  answer: AssessAnswer;
  /** For the review console; absent on attempts recorded before it was kept. */
  order?: OrderSummary;
  review?: ReviewState;
  /** The most recent earlier attempts sharing an identifier with this one. */
  links?: LinkedAttempt[];
  /** Shadow rulesets' full evaluations, for the analyst (the answer carries only their decisions). */
  shadowMatrix?: { ruleset: string; reasons: { rule: string; severity: string; detail: string }[] }[];
}

export interface LabelRecord {
  attemptId: string;
  label: Label;
  reason?: string;
  atMs: number;
}

/**
 * The reads an assess makes, answered at once: for a store whose reads are local (LMDB, a backtest's
 * replay store), so that gathering needs no promise per read. Same semantics as the Store's methods.
 */
export interface LocalReads<K extends IdentifierKey = string> {
  history(kind: IdentifierKind, hash: K, sinceMs: number, limit: number): HistoryEntry<K>[];
  historyReaching(kind: IdentifierKind, hash: K, windowSinceMs: number, limit: number, sinceMs: number, newest: number): HistoryEntry<K>[];
  /** The identifier's entry on one list, if it has one. */
  listed(list: Label, kind: IdentifierKind, hash: K): ListEntry<K> | undefined;
  /**
   * Brackets one attempt's reads (a gather): in between, a store may give one entry object for an
   * attempt that several of the identifiers' histories list, so its text is made once.
   */
  startReads?(): void;
  endReads?(): void;
  /** The store's own numbers for what its reads return, where it has them: the graylist hops walk those instead of text. */
  readonly numbers?: LocalNumbers<K>;
}

/**
 * A local store's numbers for the attempts and identifiers of the entries its history reads return,
 * so that walking many linked attempts' identifiers (the graylist hops) makes no text and reads no list
 * for an identifier that cannot be on it.
 */
export interface LocalNumbers<K extends IdentifierKey = string> {
  /** The entry's attempt, if a read of this store returned the entry; otherwise -1. */
  attemptOf(entry: HistoryEntry<K>): number;
  /** The identifier's number; -1 for one that no held attempt has and no list names. */
  identifierOf(kind: IdentifierKind, hash: K): number;
  /** The attempt's identifiers, in the order of the entry's `ids`. */
  forEachIdentifier(attempt: number, visit: (kind: IdentifierKind, identifier: number) => void): void;
  /** False only when the identifier is not on the `fraud` list; true means it may be (ask `listed`). */
  mayBeFraudListed(identifier: number): boolean;
  /** The identifier as the store's key. */
  keyOf(identifier: number): K;
}

/** An identifier on a list because of a labelled attempt: `fraud` (the graylist) or `legit` (trusted). */
export interface ListEntry<K extends IdentifierKey = string> {
  list: Label;
  kind: IdentifierKind;
  hash: K;
  attemptId: string;
  atMs: number;
}

/** What the rules call a graylist entry: an entry of the `fraud` list. */
export type GraylistEntry<K extends IdentifierKey = string> = ListEntry<K>;

/** The `fraud` list (the graylist) read without a round trip: at least every entry there was when it was handed out. */
export interface GraylistView {
  lookup(ref: IdentifierRef): GraylistEntry | undefined;
}

export interface IdentifierRef<K extends IdentifierKey = string> {
  kind: IdentifierKind;
  hash: K;
}

/** An earlier attempt linked to this one, and the identifiers they share. */
export interface LinkedAttempt {
  attemptId: string;
  tsMs: number;
  via: IdentifierKind[];
}

/**
 * An attempt's step-up challenge between sending a code and checking it. Stores keep it as an opaque
 * record until `expiresAtMs`, so its fields may grow without a store change.
 */
export interface ChallengeRecord {
  attemptId: string;
  siteKey: string;
  status: "pending" | "passed" | "failed";
  /** Where the current code went, once one was sent. */
  channel?: "email" | "phone";
  /** That address or number, masked (`a•••@example.com`), for the page to show. */
  sentTo?: string;
  /** A keyed hash of the current code, never the code itself. */
  codeHash?: string;
  codeExpiresAtMs?: number;
  /** When codes were sent, for the resend limit. */
  sentAtMs: number[];
  failedTries: number;
  /** The store drops the record after this. */
  expiresAtMs: number;
}

export interface TokenUse {
  orderId: string;
  attemptId: string;
}

/** A signing key as stored: the private JWK (with `kid`) and when it was retired, if it was. */
export interface SigningKeyRecord {
  kid: string;
  privateJwk: Record<string, unknown>;
  createdAtMs: number;
  retiredAtMs?: number;
}

/**
 * Everything the collector keeps. Writes the contract calls durable (attempts, labels, keys)
 * resolve only once they are on disk; session updates may be batched.
 */
export interface Store {
  /** A random secret that lives with the data (e.g. the identifier hash key); created once, then always the same. */
  getOrCreateSecret(name: string, create: () => Buffer): Promise<Buffer>;

  getSigningKeys(): Promise<SigningKeyRecord[]>;
  putSigningKeys(keys: SigningKeyRecord[]): Promise<void>;

  getSession(id: string): Promise<SessionRecord | undefined>;
  putSession(session: SessionRecord): Promise<void>;

  getTokenUse(jti: string): Promise<TokenUse | undefined>;

  getAttempt(id: string): Promise<AttemptRecord | undefined>;
  findAttemptIdByOrder(siteKey: string, orderId: string): Promise<string | undefined>;
  /** Records the attempt, its identifier index entries, its order id and its token use, atomically and durably. */
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  updateAttempt(attempt: AttemptRecord): Promise<void>;

  /** Earlier attempts that used this identifier at or after `sinceMs`, newest first, at most `limit`. */
  history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): Promise<HistoryEntry[]>;
  /**
   * Optional: in one read, the longer of `history(kind, hash, windowSinceMs, limit)` and
   * `history(kind, hash, sinceMs, newest)` (both are newest-first prefixes of the same list): what the
   * rules read of a busy identifier, or its newest entries when the window holds fewer. Stores
   * without it are read twice.
   */
  historyReaching?(kind: IdentifierKind, hash: string, windowSinceMs: number, limit: number, sinceMs: number, newest: number): Promise<HistoryEntry[]>;

  getLabel(attemptId: string): Promise<LabelRecord | undefined>;
  /**
   * Stores the label and puts `entries` on their lists, first removing from both lists the entries
   * for `identifiers` that this same attempt put there (a relabel replaces, never accumulates).
   * Durable before it resolves.
   */
  putLabel(label: LabelRecord, identifiers: IdentifierRef[], entries: ListEntry[]): Promise<void>;
  /** The list entries for these identifiers on one list, in the same order (undefined where none). */
  listLookup(list: Label, refs: IdentifierRef[]): Promise<(ListEntry | undefined)[]>;
  /**
   * For a store whose look-ups are round trips: a synchronous view of the `fraud` list that holds
   * every label acknowledged before the call, so an assess looks up its identifiers and those one hop
   * away without another round trip. Whatever the call reads is sent at once, with the other reads
   * issued in the same tick. Resolves to undefined when there is no view now (use listLookup).
   * Stores whose look-ups are local (LMDB, memory) leave it out.
   */
  graylistView?(): Promise<GraylistView | undefined>;
  /** Optional: the same reads answered synchronously, where the store reads locally. */
  readonly local?: LocalReads;

  /** Keeps an encrypted contact blob until `expiresAtMs`. */
  putContact(attemptId: string, sealed: Buffer, expiresAtMs: number): Promise<void>;
  /** The blob, unless it has expired at `nowMs`. */
  getContact(attemptId: string, nowMs: number): Promise<Buffer | undefined>;

  /** The attempt's challenge, unless there is none or it expired at `nowMs`. */
  getChallenge(attemptId: string, nowMs: number): Promise<ChallengeRecord | undefined>;
  /** Creates or replaces the attempt's challenge; durable before it resolves. */
  putChallenge(record: ChallengeRecord): Promise<void>;

  /**
   * Attempts whose review is open (`review.status === "open"`, kept current by recordAttempt and
   * updateAttempt), newest first; `beforeId` pages on from the last attempt of the previous page.
   */
  listOpenReviews(query: { siteKey?: string; beforeId?: string; limit: number }): Promise<AttemptRecord[]>;

  /** Attempts recorded in [sinceMs, untilMs), oldest first, at most `limit`. */
  listAttempts(range: { sinceMs: number; untilMs: number; limit: number; siteKey?: string }): Promise<AttemptRecord[]>;
  /**
   * Retention: deletes up to `limit` attempts older than `beforeMs` with their index entries, order
   * and token-use records, and sessions created before it. Returns how many attempts and sessions went.
   */
  purgeBefore(beforeMs: number, limit: number): Promise<{ attempts: number; sessions: number }>;
  /** Deletes up to `limit` contact blobs and up to `limit` challenges that expired before `nowMs`; returns how many went. */
  purgeExpired(nowMs: number, limit: number): Promise<number>;

  /** Whether the backend answers now, for /healthz; an embedded store, which cannot be unreachable, leaves it out. */
  isAvailable?(): Promise<boolean>;

  close(): Promise<void>;
}
