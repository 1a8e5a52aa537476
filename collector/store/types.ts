import type { EnvironmentSignals } from "../../sdk/protocol.js";
import type { IdentifierKind } from "../identity/normalise.js";
import type { AssessAnswer } from "../assess/answer.js";

export type IdentifierHashes = Partial<Record<IdentifierKind, string>>;
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
export interface HistoryEntry {
  attemptId: string;
  siteKey: string;
  tsMs: number;
  ids: IdentifierHashes;
}

export interface ReviewState {
  status: "open" | "approved" | "rejected";
  atMs: number;
  note?: string;
}

export interface AttemptRecord extends Omit<HistoryEntry, "attemptId"> {
  id: string;
  orderId: string;
  tokenJti?: string;
  /** The answer given to the merchant, returned again for an idempotent repeat. */
  answer: AssessAnswer;
  review?: ReviewState;
}

export interface LabelRecord {
  attemptId: string;
  label: Label;
  reason?: string;
  atMs: number;
}

export interface GraylistEntry {
  kind: IdentifierKind;
  hash: string;
  attemptId: string;
  atMs: number;
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

  getLabel(attemptId: string): Promise<LabelRecord | undefined>;
  /** Stores the label and, for `fraud`, graylists the given identifiers; durable before it resolves. */
  putLabel(label: LabelRecord, graylist: GraylistEntry[]): Promise<void>;
  graylistLookup(kind: IdentifierKind, hash: string): Promise<GraylistEntry | undefined>;

  close(): Promise<void>;
}
