import { idFloor } from "../../ids.js";
import type { IdentifierKind } from "../../identity/normalise.js";
import type {
  AttemptRecord,
  ChallengeRecord,
  HistoryEntry,
  IdentifierRef,
  Label,
  LabelRecord,
  ListEntry,
  SessionRecord,
  SigningKeyRecord,
  Store,
  TokenUse,
} from "../types.js";

/**
 * A store in process memory, for backtests: nothing survives the process. Attempts usually arrive in
 * time order (a replay), so each identifier's history is an array kept sorted by appending, and a
 * window is a binary search from its end. Same semantics as the LMDB store (see the store contract tests).
 */
export class MemoryStore implements Store {
  private readonly secrets = new Map<string, Buffer>();
  private signingKeys: SigningKeyRecord[] = [];
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly attempts = new Map<string, AttemptRecord>();
  private readonly orders = new Map<string, string>();
  private readonly tokenUses = new Map<string, TokenUse>();
  /** Per identifier kind, per hash: its attempts, oldest first. Nested maps spare a joined key per look-up. */
  private readonly index = new Map<IdentifierKind, Map<string, HistoryEntry[]>>();
  private readonly labels = new Map<string, LabelRecord>();
  private readonly lists: Record<Label, Map<IdentifierKind, Map<string, ListEntry>>> = { fraud: new Map(), legit: new Map() };
  private readonly contacts = new Map<string, { sealed: Buffer; expiresAtMs: number }>();
  private readonly challenges = new Map<string, ChallengeRecord>();
  /** Ids of attempts under open review. */
  private readonly openReviews = new Set<string>();

  async getOrCreateSecret(name: string, create: () => Buffer): Promise<Buffer> {
    if (!this.secrets.has(name)) this.secrets.set(name, create());
    return this.secrets.get(name)!;
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.signingKeys;
  }

  async putSigningKeys(keys: SigningKeyRecord[]): Promise<void> {
    this.signingKeys = keys;
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.sessions.get(id);
  }

  async putSession(session: SessionRecord): Promise<void> {
    this.sessions.set(session.id, session);
  }

  async getTokenUse(jti: string): Promise<TokenUse | undefined> {
    return this.tokenUses.get(jti);
  }

  async getAttempt(id: string): Promise<AttemptRecord | undefined> {
    return this.attempts.get(id);
  }

  async findAttemptIdByOrder(siteKey: string, orderId: string): Promise<string | undefined> {
    return this.orders.get(`${siteKey}\u0000${orderId}`);
  }

  async recordAttempt(attempt: AttemptRecord): Promise<void> {
    this.attempts.set(attempt.id, attempt);
    this.orders.set(`${attempt.siteKey}\u0000${attempt.orderId}`, attempt.id);
    if (attempt.tokenJti !== undefined) this.tokenUses.set(attempt.tokenJti, { orderId: attempt.orderId, attemptId: attempt.id });
    this.trackReview(attempt);
    const entry: HistoryEntry = { attemptId: attempt.id, siteKey: attempt.siteKey, tsMs: attempt.tsMs, ids: attempt.ids };
    for (const [kind, hash] of Object.entries(attempt.ids) as [IdentifierKind, string][]) {
      const byHash = this.indexOf(kind);
      const list = byHash.get(hash);
      if (!list) byHash.set(hash, [entry]);
      else insertSorted(list, entry);
    }
  }

  async updateAttempt(attempt: AttemptRecord): Promise<void> {
    this.attempts.set(attempt.id, attempt);
    this.trackReview(attempt);
  }

  private trackReview(attempt: AttemptRecord): void {
    if (attempt.review?.status === "open") this.openReviews.add(attempt.id);
    else this.openReviews.delete(attempt.id);
  }

  async listOpenReviews(query: { siteKey?: string; beforeId?: string; limit: number }): Promise<AttemptRecord[]> {
    return [...this.openReviews]
      .filter((id) => query.beforeId === undefined || id < query.beforeId)
      .sort((a, b) => (a < b ? 1 : -1))
      .map((id) => this.attempts.get(id)!)
      .filter((a) => query.siteKey === undefined || a.siteKey === query.siteKey)
      .slice(0, query.limit);
  }

  async getChallenge(attemptId: string, nowMs: number): Promise<ChallengeRecord | undefined> {
    const found = this.challenges.get(attemptId);
    return found && found.expiresAtMs > nowMs ? structuredClone(found) : undefined;
  }

  async putChallenge(record: ChallengeRecord): Promise<void> {
    this.challenges.set(record.attemptId, structuredClone(record));
  }

  async history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): Promise<HistoryEntry[]> {
    const list = this.index.get(kind)?.get(hash);
    if (!list) return [];
    // The oldest entry inside the window, by binary search: a long history's older entries are not touched.
    let low = Math.max(0, list.length - limit);
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (list[middle]!.tsMs < sinceMs) low = middle + 1;
      else high = middle;
    }
    const out: HistoryEntry[] = new Array(list.length - low);
    for (let i = list.length - 1, j = 0; i >= low; i--, j++) out[j] = list[i]!;
    return out;
  }

  async getLabel(attemptId: string): Promise<LabelRecord | undefined> {
    return this.labels.get(attemptId);
  }

  async putLabel(label: LabelRecord, identifiers: IdentifierRef[], entries: ListEntry[]): Promise<void> {
    this.labels.set(label.attemptId, label);
    for (const list of ["fraud", "legit"] as const) {
      for (const { kind, hash } of identifiers) {
        const byHash = this.lists[list].get(kind);
        if (byHash?.get(hash)?.attemptId === label.attemptId) byHash.delete(hash);
      }
    }
    for (const entry of entries) {
      let byHash = this.lists[entry.list].get(entry.kind);
      if (!byHash) this.lists[entry.list].set(entry.kind, (byHash = new Map()));
      byHash.set(entry.hash, entry);
    }
  }

  async listLookup(list: Label, refs: IdentifierRef[]): Promise<(ListEntry | undefined)[]> {
    const byKind = this.lists[list];
    const found: (ListEntry | undefined)[] = new Array(refs.length);
    for (let i = 0; i < refs.length; i++) found[i] = byKind.get(refs[i]!.kind)?.get(refs[i]!.hash);
    return found;
  }

  async putContact(attemptId: string, sealed: Buffer, expiresAtMs: number): Promise<void> {
    this.contacts.set(attemptId, { sealed, expiresAtMs });
  }

  async getContact(attemptId: string, nowMs: number): Promise<Buffer | undefined> {
    const found = this.contacts.get(attemptId);
    return found && found.expiresAtMs > nowMs ? found.sealed : undefined;
  }

  async purgeExpired(nowMs: number, limit: number): Promise<number> {
    let removed = 0;
    for (const records of [this.contacts, this.challenges] as Map<string, { expiresAtMs: number }>[]) {
      let fromThis = 0;
      for (const [id, record] of records) {
        if (fromThis >= limit) break;
        if (record.expiresAtMs <= nowMs) {
          records.delete(id);
          fromThis += 1;
        }
      }
      removed += fromThis;
    }
    return removed;
  }

  async listAttempts(range: { sinceMs: number; untilMs: number; limit: number; siteKey?: string }): Promise<AttemptRecord[]> {
    const from = idFloor("att", range.sinceMs);
    const until = idFloor("att", range.untilMs);
    return [...this.attempts.values()]
      .filter((a) => a.id >= from && a.id < until && (range.siteKey === undefined || a.siteKey === range.siteKey))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, range.limit);
  }

  async purgeBefore(beforeMs: number, limit: number): Promise<{ attempts: number; sessions: number }> {
    const old = (await this.listAttempts({ sinceMs: 0, untilMs: beforeMs, limit })).map((a) => a.id);
    for (const id of old) {
      const attempt = this.attempts.get(id)!;
      this.attempts.delete(id);
      this.openReviews.delete(id);
      const orderKey = `${attempt.siteKey}\u0000${attempt.orderId}`;
      if (this.orders.get(orderKey) === id) this.orders.delete(orderKey);
      if (attempt.tokenJti !== undefined) this.tokenUses.delete(attempt.tokenJti);
      for (const [kind, hash] of Object.entries(attempt.ids) as [IdentifierKind, string][]) {
        const byHash = this.indexOf(kind);
        const remaining = (byHash.get(hash) ?? []).filter((e) => e.attemptId !== id);
        if (remaining.length > 0) byHash.set(hash, remaining);
        else byHash.delete(hash);
      }
    }
    const floor = idFloor("ses", beforeMs);
    let sessions = 0;
    for (const id of this.sessions.keys()) {
      if (sessions >= limit) break;
      if (id < floor) {
        this.sessions.delete(id);
        sessions += 1;
      }
    }
    return { attempts: old.length, sessions };
  }

  async close(): Promise<void> {}

  private indexOf(kind: IdentifierKind): Map<string, HistoryEntry[]> {
    let byHash = this.index.get(kind);
    if (!byHash) this.index.set(kind, (byHash = new Map()));
    return byHash;
  }
}

/** Appends, or inserts in time order when an entry arrives out of order. */
function insertSorted(list: HistoryEntry[], entry: HistoryEntry): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.tsMs > entry.tsMs || (list[i - 1]!.tsMs === entry.tsMs && list[i - 1]!.attemptId > entry.attemptId))) i -= 1;
  list.splice(i, 0, entry);
}
