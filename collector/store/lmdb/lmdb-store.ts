import { mkdirSync } from "node:fs";
import { open, type Database, type Key, type RootDatabase } from "lmdb";
import { keys } from "../keys.js";
import type {
  AttemptRecord,
  ChallengeRecord,
  HistoryEntry,
  IdentifierRef,
  Label,
  LabelRecord,
  ListEntry,
  LocalReads,
  SessionRecord,
  SigningKeyRecord,
  Store,
  TokenUse,
} from "../types.js";
import type { IdentifierKind } from "../../identity/normalise.js";
import { idFloor } from "../../ids.js";
import { encodeAttemptIdentifiers } from "./attempt-identifiers.js";
import { IdentifierHistory, plainEntry } from "./identifier-history.js";

/** What an lmdb-js write returns when the environment is opened with `separateFlushed`. */
type WritePromise = Promise<boolean> & { flushed?: Promise<void> };

/**
 * The embedded store: one LMDB environment in the data directory, one named database per record kind.
 * Reads are synchronous. Each identifier's history is held in memory (identifier-history.ts), rebuilt
 * when the store opens from one compact row per attempt (attempt-identifiers.ts); on disk an attempt
 * is then written only under keys that grow with time (its id) and two keyed by its order and token.
 * An attempt's writes are plain asynchronous puts, which lmdb-js batches with everything else
 * written in the same event turn into one transaction run on its writer thread; rarer multi-step
 * writes (labels, retention) are transaction callbacks. Writes the contract calls durable wait for
 * the flush of their own transaction.
 */
export class LmdbStore implements Store {
  private readonly root: RootDatabase;
  private readonly meta: Database<unknown, Key>;
  private readonly sessions: Database<SessionRecord, Key>;
  private readonly attempts: Database<AttemptRecord, Key>;
  private readonly orders: Database<string, Key>;
  private readonly tokenUses: Database<TokenUse, Key>;
  /** Per attempt id, its time, site and identifiers: what `identifierHistory` is rebuilt from. */
  private readonly identifierRows: Database<Buffer, Key>;
  private readonly labels: Database<LabelRecord, Key>;
  private readonly lists: Database<ListEntry, Key>;
  private readonly contacts: Database<{ sealed: Buffer; expiresAtMs: number }, Key>;
  private readonly contactExpiries: Database<string, Key>;
  private readonly challenges: Database<ChallengeRecord, Key>;
  private readonly challengeExpiries: Database<string, Key>;
  /** Attempt ids under open review, as keys (ids sort by time). */
  private readonly openReviews: Database<string, Key>;

  private readonly isDurable: boolean;
  private readonly identifierHistory = new IdentifierHistory();
  /** The old on-disk identifier index being dropped, when a store of the old layout was opened. */
  private oldIndexDropped: Promise<unknown> = Promise.resolve();

  /**
   * `durable: false` is for throw-away stores (a backtest's): no fsync, and each write commits
   * synchronously, so a replay sees every earlier attempt without waiting for the disk.
   */
  constructor(path: string, options: { durable?: boolean; log?: (line: string) => void } = {}) {
    mkdirSync(path, { recursive: true });
    this.isDurable = options.durable ?? true;
    this.root = open({ path, maxDbs: 24, separateFlushed: true, ...(this.isDurable ? {} : { noSync: true }) });
    const db = <V>(name: string) => this.root.openDB<V, Key>({ name });
    this.meta = db("meta");
    this.sessions = db("sessions");
    this.attempts = db("attempts");
    this.orders = db("orders");
    this.tokenUses = db("token-uses");
    this.identifierRows = this.root.openDB<Buffer, Key>({ name: "attempt-identifiers", encoding: "binary" });
    this.labels = db("labels");
    this.lists = db("label-lists");
    this.contacts = db("contacts");
    this.contactExpiries = db("contact-expiries");
    this.challenges = db("challenges");
    this.challengeExpiries = db("challenge-expiries");
    this.openReviews = db("open-reviews");
    const log = options.log ?? (() => {});
    const started = performance.now();
    if (this.meta.get(keys.layout()) !== LMDB_LAYOUT) this.moveToIdentifierRows(log);
    for (const { key, value } of this.identifierRows.getRange()) {
      try {
        this.identifierHistory.addRow(key as string, value);
      } catch (err) {
        void this.root.close();
        throw new Error(`${path}: attempt-identifiers row ${String(key)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const { value } of this.lists.getRange()) if (value.list === "fraud") this.identifierHistory.markFraudListed(value.kind, value.hash);
    const { attempts, identifiers } = this.identifierHistory.size;
    if (attempts > 0) log(`store: history of ${count(attempts, "attempt")} (${count(identifiers, "identifier")}) loaded in ${seconds(started)}`);
  }

  /** Attempts and identifiers held in memory for history reads. */
  get historySize(): { attempts: number; identifiers: number } {
    return this.identifierHistory.size;
  }

  /**
   * Stores written before the identifier rows kept each identifier's history in a database of its own
   * (`identifier-index`): writes each attempt's row from its record, with the layout mark in the last
   * batch's transaction, then drops that database in the background (close waits for it). Once, on the
   * first open by this version; a new store only gets the mark.
   */
  private moveToIdentifierRows(log: (line: string) => void): void {
    const started = performance.now();
    let moved = 0;
    let batch: AttemptRecord[] = [];
    const writeBatch = (isLast: boolean) => {
      this.root.transactionSync(() => {
        for (const attempt of batch) this.identifierRows.put(keys.attempt(attempt.id), encodeAttemptIdentifiers(attempt.tsMs, attempt.siteKey, attempt.ids));
        if (isLast) this.meta.put(keys.layout(), LMDB_LAYOUT);
      });
      moved += batch.length;
      batch = [];
      if (moved % 100_000 === 0 && moved > 0) log(`store: moving to identifier rows (once, on the first start of this version): ${count(moved, "attempt")} so far`);
    };
    for (const { value } of this.attempts.getRange()) {
      batch.push(value);
      if (batch.length === 10_000) writeBatch(false);
    }
    writeBatch(true);
    if (moved > 0) log(`store: moved ${count(moved, "attempt")} to identifier rows in ${seconds(started)}`);
    if ([...this.root.getKeys()].includes(OLD_INDEX)) {
      // Left in place on failure it only takes disk space: nothing reads it.
      this.oldIndexDropped = this.root.openDB<Buffer, Key>({ name: OLD_INDEX, encoding: "binary" }).drop().catch(() => undefined);
    }
  }

  async getOrCreateSecret(name: string, create: () => Buffer): Promise<Buffer> {
    const key = keys.secret(name);
    const created = create();
    await this.commit(() => {
      if (this.meta.get(key) === undefined) this.meta.put(key, created);
    });
    return Buffer.from(this.meta.get(key) as Uint8Array);
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return (this.meta.get(keys.signingKeys()) as SigningKeyRecord[] | undefined) ?? [];
  }

  async putSigningKeys(records: SigningKeyRecord[]): Promise<void> {
    await this.commit(() => this.meta.put(keys.signingKeys(), records));
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.sessions.get(keys.session(id));
  }

  async putSession(session: SessionRecord): Promise<void> {
    await this.sessions.put(keys.session(session.id), session);
  }

  async getTokenUse(jti: string): Promise<TokenUse | undefined> {
    return this.tokenUses.get(keys.tokenUse(jti));
  }

  async getAttempt(id: string): Promise<AttemptRecord | undefined> {
    return this.attempts.get(keys.attempt(id));
  }

  async findAttemptIdByOrder(siteKey: string, orderId: string): Promise<string | undefined> {
    return this.orders.get(keys.order(siteKey, orderId));
  }

  /**
   * The attempt is in `identifierHistory` from the call on, so an assess answered meanwhile already
   * matches it; if the write fails it is taken out again.
   */
  async recordAttempt(attempt: AttemptRecord): Promise<void> {
    this.identifierHistory.add(attempt.id, attempt.siteKey, attempt.tsMs, attempt.ids);
    try {
      if (!this.isDurable) this.root.transactionSync(() => this.writeAttempt(attempt));
      else await this.durable(this.writeAttempt(attempt));
    } catch (err) {
      this.identifierHistory.remove(attempt.id);
      throw err;
    }
  }

  /** The attempt's puts, all in this event turn, so lmdb-js commits them in one transaction. */
  private writeAttempt(attempt: AttemptRecord): WritePromise[] {
    const writes: WritePromise[] = [
      this.attempts.put(keys.attempt(attempt.id), attempt),
      this.orders.put(keys.order(attempt.siteKey, attempt.orderId), attempt.id),
    ];
    if (attempt.tokenJti !== undefined) {
      writes.push(this.tokenUses.put(keys.tokenUse(attempt.tokenJti), { orderId: attempt.orderId, attemptId: attempt.id }));
    }
    writes.push(this.identifierRows.put(keys.attempt(attempt.id), encodeAttemptIdentifiers(attempt.tsMs, attempt.siteKey, attempt.ids)));
    const review = this.trackReview(attempt);
    if (review) writes.push(review);
    return writes;
  }

  async updateAttempt(attempt: AttemptRecord): Promise<void> {
    await this.commit(() => {
      this.attempts.put(keys.attempt(attempt.id), attempt);
      this.trackReview(attempt);
    });
  }

  /** Keeps the open-review index in step with the attempt, in the same transaction as its other writes. */
  private trackReview(attempt: AttemptRecord): WritePromise | undefined {
    const key = keys.openReview(attempt.id);
    if (attempt.review?.status === "open") return this.openReviews.put(key, attempt.siteKey);
    if (this.openReviews.get(key) !== undefined) return this.openReviews.remove(key);
    return undefined;
  }

  async listOpenReviews(query: { siteKey?: string; beforeId?: string; limit: number }): Promise<AttemptRecord[]> {
    const found: AttemptRecord[] = [];
    const range = this.openReviews.getRange({ reverse: true, ...(query.beforeId === undefined ? {} : { start: keys.openReview(query.beforeId) }) });
    for (const { key, value: siteKey } of range) {
      if (key === query.beforeId) continue;
      if (query.siteKey !== undefined && siteKey !== query.siteKey) continue;
      const attempt = this.attempts.get(keys.attempt(key as string));
      if (attempt) found.push(attempt);
      if (found.length >= query.limit) break;
    }
    return found;
  }

  async getChallenge(attemptId: string, nowMs: number): Promise<ChallengeRecord | undefined> {
    const found = this.challenges.get(keys.challenge(attemptId));
    return found && found.expiresAtMs > nowMs ? found : undefined;
  }

  async putChallenge(record: ChallengeRecord): Promise<void> {
    await this.commit(() => {
      const key = keys.challenge(record.attemptId);
      const previous = this.challenges.get(key);
      if (previous) this.challengeExpiries.remove(keys.expiry(previous.expiresAtMs, record.attemptId));
      this.challenges.put(key, record);
      this.challengeExpiries.put(keys.expiry(record.expiresAtMs, record.attemptId), record.attemptId);
    });
  }

  /** History is in memory and LMDB reads are synchronous: an assess gathers its reads without a promise each. */
  readonly local: LocalReads = {
    history: (kind, hash, sinceMs, limit) => this.identifierHistory.history(kind, hash, sinceMs, limit),
    historyReaching: (kind, hash, windowSinceMs, limit, sinceMs, newest) => this.identifierHistory.historyReaching(kind, hash, windowSinceMs, limit, sinceMs, newest),
    listed: (list, kind, hash) => this.listed(list, kind, hash),
    startReads: () => this.identifierHistory.startReads(),
    endReads: () => this.identifierHistory.endReads(),
    numbers: this.identifierHistory.numbers,
  };

  async history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): Promise<HistoryEntry[]> {
    return this.identifierHistory.history(kind, hash, sinceMs, limit).map(plainEntry);
  }

  async historyReaching(kind: IdentifierKind, hash: string, windowSinceMs: number, limit: number, sinceMs: number, newest: number): Promise<HistoryEntry[]> {
    return this.identifierHistory.historyReaching(kind, hash, windowSinceMs, limit, sinceMs, newest).map(plainEntry);
  }

  async getLabel(attemptId: string): Promise<LabelRecord | undefined> {
    return this.labels.get(keys.label(attemptId));
  }

  async putLabel(label: LabelRecord, identifiers: IdentifierRef[], entries: ListEntry[]): Promise<void> {
    // Marked before the write: a mark only says "may be listed", and an assess answered meanwhile reads the list.
    for (const entry of entries) if (entry.list === "fraud") this.identifierHistory.markFraudListed(entry.kind, entry.hash);
    await this.commit(() => {
      this.labels.put(keys.label(label.attemptId), label);
      for (const list of ["fraud", "legit"] as const) {
        for (const { kind, hash } of identifiers) {
          const key = keys.list(list, kind, hash);
          if (this.lists.get(key)?.attemptId === label.attemptId) this.lists.remove(key);
        }
      }
      for (const entry of entries) this.lists.put(keys.list(entry.list, entry.kind, entry.hash), entry);
    });
  }

  async listLookup(list: Label, refs: IdentifierRef[]): Promise<(ListEntry | undefined)[]> {
    return refs.map(({ kind, hash }) => this.listed(list, kind, hash));
  }

  private listed(list: Label, kind: IdentifierKind, hash: string): ListEntry | undefined {
    return this.lists.get(keys.list(list, kind, hash));
  }

  async putContact(attemptId: string, sealed: Buffer, expiresAtMs: number): Promise<void> {
    const write = () => [
      this.contacts.put(keys.contact(attemptId), { sealed, expiresAtMs }),
      this.contactExpiries.put(keys.contactExpiry(expiresAtMs, attemptId), attemptId),
    ];
    if (!this.isDurable) {
      this.root.transactionSync(write);
      return;
    }
    await this.durable(write());
  }

  async getContact(attemptId: string, nowMs: number): Promise<Buffer | undefined> {
    const found = this.contacts.get(keys.contact(attemptId));
    return found && found.expiresAtMs > nowMs ? Buffer.from(found.sealed) : undefined;
  }

  async purgeExpired(nowMs: number, limit: number): Promise<number> {
    const contacts = [...this.contactExpiries.getRange({ start: [0], end: [nowMs], limit })];
    const challenges = [...this.challengeExpiries.getRange({ start: [0], end: [nowMs], limit })];
    if (contacts.length + challenges.length === 0) return 0;
    await this.commit(() => {
      for (const { key, value } of contacts) {
        this.contactExpiries.remove(key);
        this.contacts.remove(keys.contact(value));
      }
      for (const { key, value } of challenges) {
        this.challengeExpiries.remove(key);
        this.challenges.remove(keys.challenge(value));
      }
    });
    return contacts.length + challenges.length;
  }

  async listAttempts(range: { sinceMs: number; untilMs: number; limit: number; siteKey?: string }): Promise<AttemptRecord[]> {
    const found: AttemptRecord[] = [];
    for (const { value } of this.attempts.getRange({ start: idFloor("att", range.sinceMs), end: idFloor("att", range.untilMs) })) {
      if (range.siteKey !== undefined && value.siteKey !== range.siteKey) continue;
      found.push(value);
      if (found.length >= range.limit) break;
    }
    return found;
  }

  async purgeBefore(beforeMs: number, limit: number): Promise<{ attempts: number; sessions: number }> {
    const oldAttempts = [...this.attempts.getRange({ start: idFloor("att", 0), end: idFloor("att", beforeMs), limit })].map((e) => e.value);
    const oldSessions = [...this.sessions.getKeys({ start: idFloor("ses", 0), end: idFloor("ses", beforeMs), limit })];
    if (oldAttempts.length === 0 && oldSessions.length === 0) return { attempts: 0, sessions: 0 };
    await this.commit(() => {
      for (const attempt of oldAttempts) {
        this.attempts.remove(keys.attempt(attempt.id));
        this.openReviews.remove(keys.openReview(attempt.id));
        if (this.orders.get(keys.order(attempt.siteKey, attempt.orderId)) === attempt.id) this.orders.remove(keys.order(attempt.siteKey, attempt.orderId));
        if (attempt.tokenJti !== undefined) this.tokenUses.remove(keys.tokenUse(attempt.tokenJti));
        this.identifierRows.remove(keys.attempt(attempt.id));
      }
      for (const key of oldSessions) this.sessions.remove(key);
    });
    for (const attempt of oldAttempts) this.identifierHistory.remove(attempt.id);
    return { attempts: oldAttempts.length, sessions: oldSessions.length };
  }

  /** One transaction; durable stores resolve once it is on disk. */
  private async commit(writes: () => void): Promise<void> {
    if (!this.isDurable) {
      this.root.transactionSync(writes);
      return;
    }
    await this.root.transaction(writes);
    await this.root.flushed;
  }

  /**
   * Waits until puts issued together are committed and their own transaction is flushed, rather than
   * whichever flush is current by the time the commit is seen (which can be a later one).
   */
  private async durable(writes: WritePromise[]): Promise<void> {
    const last = writes[writes.length - 1]!;
    await Promise.all(writes);
    await (last.flushed ?? this.root.flushed);
  }

  async close(): Promise<void> {
    await this.oldIndexDropped;
    await this.root.close();
  }
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
}

function seconds(sinceMs: number): string {
  return `${((performance.now() - sinceMs) / 1000).toFixed(1)} s`;
}

/** The layout mark of stores that keep identifier rows instead of the on-disk identifier index. */
export const LMDB_LAYOUT = "identifier-rows";
const OLD_INDEX = "identifier-index";
