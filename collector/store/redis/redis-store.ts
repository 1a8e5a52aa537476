import type { IdentifierKind } from "../../identity/normalise.js";
import { keys } from "../keys.js";
import type {
  AttemptRecord,
  ChallengeRecord,
  GraylistView,
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
import { StoreUnavailableError } from "../unavailable.js";
import { checkServing, COMMAND_TIMEOUT_MS, createClient, firstReady, type RedisClient, type RedisTarget } from "./connect.js";
import { fraudField, fraudValue, GraylistMirror, LOG_LENGTH, parseFraudValue } from "./graylist-mirror.js";
import { historyMember, pack, parseHistoryMember, parseTokenUse, tokenUseValue, unpack } from "./records.js";
import { defineScripts } from "./scripts.js";
import { applyPhases, op, TickWrites, type Op } from "./writes.js";

export interface RedisStoreOptions {
  /** Records expire this long after their time (plus a day's grace: the retention sweep normally deletes them first). */
  retentionMs: number;
  log?: (line: string) => void;
}

const RETENTION_GRACE_MS = 86_400_000;
/** Contacts and challenges expire in Redis this long after their own expiry: the sweep (every 10 minutes) normally goes first. */
const EXPIRY_GRACE_MS = 10 * 60_000;
const STARTUP_TIMEOUT_MS = 10_000;
/** Retention batches read and delete hundreds of keys: a longer deadline than one request's. */
const SWEEP_TIMEOUT_MS = 10_000;
const idx = keys.redis.index;

/**
 * The shared store for several collectors: one Redis or Valkey server, or a Redis Cluster, through
 * ioredis with auto-pipelining (commands issued in one tick travel together, per node).
 *
 * Every call either completes or throws StoreUnavailableError within COMMAND_TIMEOUT_MS; writes resolve
 * once the server acknowledged them (with `appendfsync always`, once they are on its disk). On one
 * server each write is one MULTI; on a cluster see `applyPhases` for what is atomic where.
 */
export class RedisStore implements Store {
  private readonly client: RedisClient;
  private readonly isCluster: boolean;
  private readonly started: Promise<void>;
  private isDown = false;
  private lastProbeMs = 0;
  /** When the store last came back: a call started before that and failing late does not count as a new outage. */
  private upSinceMs = 0;
  private readonly where: string;
  /** Until the first connection, calls wait for it (up to STARTUP_TIMEOUT_MS) instead of failing at once. */
  private isStarting = true;
  private readonly graylist: GraylistMirror;
  private readonly tickWrites: TickWrites;

  constructor(target: RedisTarget, private readonly options: RedisStoreOptions) {
    this.isCluster = target.cluster !== undefined;
    const where = (this.where = target.url ?? target.cluster!.join(","));
    this.client = createClient(target, (event, detail) => (event === "error" ? this.markDown(detail) : this.probeRecovery()));
    defineScripts(this.client);
    this.tickWrites = new TickWrites(this.client);
    this.started = firstReady(this.client, STARTUP_TIMEOUT_MS, where);
    const settle = () => void (this.isStarting = false);
    this.started.then(settle, settle);
    this.graylist = new GraylistMirror(
      {
        version: () => this.guard(() => this.client.get(keys.redis.fraudListVersion())),
        size: () => this.guard(() => this.client.hlen(keys.redis.fraudList())),
        scan: (cursor, count) => this.guard(() => this.client.hscan(keys.redis.fraudList(), cursor, "COUNT", count)),
        range: (startId, count) => this.guard(() => this.client.xrange(keys.redis.fraudListLog(), startId, "+", "COUNT", count)),
      },
      options.log,
    );
    this.started.then(() => this.graylist.startLoad(), () => {});
  }

  /** Answers within COMMAND_TIMEOUT_MS or throws StoreUnavailableError; `run` goes on in the background if it hangs. */
  private async guard<T>(run: () => Promise<T>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    const startedMs = Date.now();
    if (this.isStarting) {
      try {
        await this.started;
      } catch (err) {
        throw new StoreUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`the store (redis) did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = await Promise.race([run(), deadline]);
      if (this.isDown) this.probeRecovery();
      return result;
    } catch (err) {
      if (startedMs >= this.upSinceMs) this.markDown(err);
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`the store (redis) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** One log line when the store becomes unreachable... */
  private markDown(detail: unknown): void {
    if (this.isDown) return;
    this.isDown = true;
    this.options.log?.(`store: redis at ${this.where} unavailable: ${detail instanceof Error ? detail.message : String(detail)}`);
  }

  /**
   * ...and one when every master answers again (isAvailable logs it). A call that succeeds is not
   * enough: in a cluster missing one master, calls on the others succeed. At most one probe a second.
   */
  private probeRecovery(): void {
    const nowMs = Date.now();
    if (!this.isDown || nowMs - this.lastProbeMs < 1000) return;
    this.lastProbeMs = nowMs;
    void this.isAvailable();
  }

  /** One server: the phases in one MULTI, with the other writes of the same tick. A cluster: see applyPhases. */
  private write(phases: Op[][], timeoutMs?: number): Promise<unknown[]> {
    return this.guard(() => (this.isCluster ? applyPhases(this.client, true, phases) : this.tickWrites.apply(phases.flat())), timeoutMs);
  }

  private expiresAt(tsMs: number): number {
    return Math.round(tsMs + this.options.retentionMs + RETENTION_GRACE_MS);
  }

  /** Whether the server, or every master of the cluster, serves now (see checkServing); logs a recovery. */
  async isAvailable(): Promise<boolean> {
    try {
      await this.guard(() => checkServing(this.client));
      if (this.isDown) {
        this.isDown = false;
        this.upSinceMs = Date.now();
        this.options.log?.(`store: redis at ${this.where} connected again`);
      }
      return true;
    } catch {
      return false;
    }
  }

  async getOrCreateSecret(name: string, create: () => Buffer): Promise<Buffer> {
    const key = keys.redis.secret(name);
    return this.guard(async () => {
      await this.client.set(key, create(), "NX");
      return (await this.client.getBuffer(key))!;
    });
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.guard(async () => unpack<SigningKeyRecord[]>(await this.client.getBuffer(keys.redis.signingKeys())) ?? []);
  }

  async putSigningKeys(records: SigningKeyRecord[]): Promise<void> {
    await this.write([[op(keys.redis.signingKeys(), "set", pack(records))]]);
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.guard(async () => unpack<SessionRecord>(await this.client.getBuffer(keys.redis.session(id))));
  }

  async putSession(session: SessionRecord): Promise<void> {
    await this.write([
      [
        op(keys.redis.session(session.id), "set", pack(session), "PXAT", this.expiresAt(session.createdAtMs)),
        op(idx("sessions"), "zadd", "NX", session.createdAtMs, session.id),
      ],
    ]);
  }

  async getTokenUse(jti: string): Promise<TokenUse | undefined> {
    return this.guard(async () => parseTokenUse(await this.client.get(keys.redis.tokenUse(jti))));
  }

  async getAttempt(id: string): Promise<AttemptRecord | undefined> {
    return this.guard(async () => unpack<AttemptRecord>(await this.client.getBuffer(keys.redis.attempt(id))));
  }

  private readAttempts(ids: string[]): Promise<(AttemptRecord | undefined)[]> {
    return Promise.all(ids.map(async (id) => unpack<AttemptRecord>(await this.client.getBuffer(keys.redis.attempt(id)))));
  }

  async findAttemptIdByOrder(siteKey: string, orderId: string): Promise<string | undefined> {
    return this.guard(async () => (await this.client.get(keys.redis.order(siteKey, orderId))) ?? undefined);
  }

  /**
   * First the record and its place in the time indexes (which the retention sweep walks), then what
   * finds it: order id, token use (SET NX: a token's first use stays), one history entry per
   * identifier. A collector dying between the two phases on a cluster leaves a recorded attempt that
   * later attempts do not match and its order id does not find; the sweep still deletes it in time.
   */
  async recordAttempt(attempt: AttemptRecord): Promise<void> {
    const expiresAt = this.expiresAt(attempt.tsMs);
    const record: Op[] = [
      op(keys.redis.attempt(attempt.id), "set", pack(attempt), "PXAT", expiresAt),
      op(idx("attempts"), "zadd", attempt.tsMs, attempt.id),
      op(idx("attempts", attempt.siteKey), "zadd", attempt.tsMs, attempt.id),
      op(idx("sites"), "sadd", attempt.siteKey),
      ...this.reviewOps(attempt),
    ];
    const finders: Op[] = [op(keys.redis.order(attempt.siteKey, attempt.orderId), "set", attempt.id, "PXAT", expiresAt)];
    if (attempt.tokenJti !== undefined) finders.push(op(keys.redis.tokenUse(attempt.tokenJti), "set", tokenUseValue(attempt), "PXAT", expiresAt, "NX"));
    const member = historyMember(attempt);
    for (const [kind, hash] of Object.entries(attempt.ids) as [IdentifierKind, string][]) {
      const key = keys.redis.history(kind, hash);
      finders.push(op(key, "zadd", attempt.tsMs, member), op(key, "pexpireat", expiresAt));
    }
    await this.write([record, finders]);
  }

  async updateAttempt(attempt: AttemptRecord): Promise<void> {
    const ttl = op(keys.redis.attempt(attempt.id), "set", pack(attempt), "PXAT", this.expiresAt(attempt.tsMs));
    await this.write([[ttl], this.reviewOps(attempt)]);
  }

  /** Keeps the open-review indexes (global and per site; members sort by id, so by time) in step with the attempt. */
  private reviewOps(attempt: AttemptRecord): Op[] {
    const isOpen = attempt.review?.status === "open";
    return [idx("reviews"), idx("reviews", attempt.siteKey)].map((key) => (isOpen ? op(key, "zadd", 0, attempt.id) : op(key, "zrem", attempt.id)));
  }

  async listOpenReviews(query: { siteKey?: string; beforeId?: string; limit: number }): Promise<AttemptRecord[]> {
    return this.guard(async () => {
      const max = query.beforeId === undefined ? "+" : `(${query.beforeId}`;
      const ids = await this.client.zrevrangebylex(idx("reviews", query.siteKey), max, "-", "LIMIT", 0, query.limit);
      return (await this.readAttempts(ids)).filter((a): a is AttemptRecord => a?.review?.status === "open");
    });
  }

  async getChallenge(attemptId: string, nowMs: number): Promise<ChallengeRecord | undefined> {
    const found = await this.guard(async () => unpack<ChallengeRecord>(await this.client.getBuffer(keys.redis.challenge(attemptId))));
    return found && found.expiresAtMs > nowMs ? found : undefined;
  }

  async putChallenge(record: ChallengeRecord): Promise<void> {
    await this.write([
      [
        op(keys.redis.challenge(record.attemptId), "set", pack(record), "PX", this.backstopMs(record.expiresAtMs)),
        op(idx("challenge-expiries"), "zadd", record.expiresAtMs, record.attemptId),
      ],
    ]);
  }

  /** Redis deletes an expiring record by itself shortly after the sweep should have: a backstop if no collector sweeps. */
  private backstopMs(expiresAtMs: number): number {
    return Math.max(0, Math.round(expiresAtMs - Date.now())) + EXPIRY_GRACE_MS;
  }

  async history(kind: IdentifierKind, hash: string, sinceMs: number, limit: number): Promise<HistoryEntry[]> {
    if (limit <= 0) return [];
    return this.guard(async () => {
      const members = await this.client.zrevrangebyscore(keys.redis.history(kind, hash), "+inf", sinceMs, "LIMIT", 0, limit);
      return members.map(parseHistoryMember);
    });
  }

  async getLabel(attemptId: string): Promise<LabelRecord | undefined> {
    return this.guard(async () => unpack<LabelRecord>(await this.client.getBuffer(keys.redis.label(attemptId))));
  }

  /**
   * The label first, then the list entries. `legit` entries are one hash per identifier (`a` = attempt
   * id, `e` = the entry); removing this attempt's earlier ones is a server-side check-and-delete per key,
   * so another attempt's entry put meanwhile by another collector stays. The `fraud` list changes in one
   * script on its own slot (see scripts.ts), with its version and change log, for the collectors' mirrors.
   * If the writer dies between the two, the label is there without its list entries; the merchant got
   * no acknowledgement and labels again.
   */
  async putLabel(label: LabelRecord, identifiers: IdentifierRef[], entries: ListEntry[]): Promise<void> {
    const putting = new Set(entries.map((e) => keys.redis.list(e.list, e.kind, e.hash)));
    const lists: Op[] = [];
    for (const { kind, hash } of identifiers) {
      const key = keys.redis.list("legit", kind, hash);
      if (!putting.has(key)) lists.push(op(key, "dropOwnedEntry", label.attemptId));
    }
    const fraudPuts: string[] = [];
    for (const entry of entries) {
      if (entry.list === "fraud") fraudPuts.push(fraudField(entry.kind, entry.hash), fraudValue(entry.attemptId, entry.atMs));
      else lists.push(op(keys.redis.list(entry.list, entry.kind, entry.hash), "hset", "a", entry.attemptId, "e", pack(entry)));
    }
    const fraudDrops = identifiers.filter(({ kind, hash }) => !putting.has(keys.redis.list("fraud", kind, hash))).map(({ kind, hash }) => fraudField(kind, hash));
    if (fraudPuts.length + fraudDrops.length > 0) {
      lists.push(
        op(keys.redis.fraudList(), "putFraudEntries", keys.redis.fraudListVersion(), keys.redis.fraudListLog(), label.attemptId, LOG_LENGTH, fraudDrops.length, ...fraudDrops, ...fraudPuts),
      );
    }
    await this.write([[op(keys.redis.label(label.attemptId), "set", pack(label))], lists]);
  }

  async listLookup(list: Label, refs: IdentifierRef[]): Promise<(ListEntry | undefined)[]> {
    if (refs.length === 0) return [];
    if (list === "fraud") {
      const fields = refs.map(({ kind, hash }) => fraudField(kind, hash));
      return this.guard(async () => (await this.client.hmget(keys.redis.fraudList(), ...fields)).map((value, i) => parseFraudValue(refs[i]!, value)));
    }
    return this.guard(() =>
      Promise.all(refs.map(async ({ kind, hash }) => unpack<ListEntry>(await this.client.hgetBuffer(keys.redis.list(list, kind, hash), "e")))),
    );
  }

  /** The collector's mirror of the `fraud` list, brought up to the version read now (see GraylistMirror). */
  async graylistView(): Promise<GraylistView | undefined> {
    return this.graylist.viewAt(await this.guard(() => this.client.get(keys.redis.fraudListVersion())));
  }

  async putContact(attemptId: string, sealed: Buffer, expiresAtMs: number): Promise<void> {
    await this.write([
      [
        op(keys.redis.contact(attemptId), "set", pack({ sealed, expiresAtMs }), "PX", this.backstopMs(expiresAtMs)),
        op(idx("contact-expiries"), "zadd", expiresAtMs, attemptId),
      ],
    ]);
  }

  async getContact(attemptId: string, nowMs: number): Promise<Buffer | undefined> {
    const found = await this.guard(async () => unpack<{ sealed: Buffer; expiresAtMs: number }>(await this.client.getBuffer(keys.redis.contact(attemptId))));
    return found && found.expiresAtMs > nowMs ? Buffer.from(found.sealed) : undefined;
  }

  async purgeExpired(nowMs: number, limit: number): Promise<number> {
    return this.guard(async () => {
      let removed = 0;
      for (const [name, keyOf] of [["contact-expiries", keys.redis.contact], ["challenge-expiries", keys.redis.challenge]] as const) {
        const ids = await this.client.zrangebyscore(idx(name), "-inf", `(${nowMs}`, "LIMIT", 0, limit);
        if (ids.length === 0) continue;
        await applyPhases(this.client, this.isCluster, [ids.map((id) => op(keyOf(id), "del")), [op(idx(name), "zrem", ...ids)]]);
        removed += ids.length;
      }
      return removed;
    }, SWEEP_TIMEOUT_MS);
  }

  async listAttempts(range: { sinceMs: number; untilMs: number; limit: number; siteKey?: string }): Promise<AttemptRecord[]> {
    return this.guard(async () => {
      const ids = await this.client.zrangebyscore(idx("attempts", range.siteKey), range.sinceMs, `(${range.untilMs}`, "LIMIT", 0, range.limit);
      return (await this.readAttempts(ids)).filter((a): a is AttemptRecord => a !== undefined);
    }, SWEEP_TIMEOUT_MS);
  }

  /**
   * Walks the time index oldest first and deletes in the reverse order of recordAttempt: what finds an
   * attempt, then the record, then its time-index entry, so a sweep cut short is finished by the next.
   */
  async purgeBefore(beforeMs: number, limit: number): Promise<{ attempts: number; sessions: number }> {
    return this.guard(async () => {
      const [ids, sessionIds] = await Promise.all([
        this.client.zrangebyscore(idx("attempts"), "-inf", `(${beforeMs}`, "LIMIT", 0, limit),
        this.client.zrangebyscore(idx("sessions"), "-inf", `(${beforeMs}`, "LIMIT", 0, limit),
      ]);
      if (ids.length === 0 && sessionIds.length === 0) return { attempts: 0, sessions: 0 };
      const records = await this.readAttempts(ids);
      const present = records.filter((a): a is AttemptRecord => a !== undefined);
      const finders: Op[] = [];
      for (const attempt of present) {
        finders.push(op(keys.redis.order(attempt.siteKey, attempt.orderId), "deleteIfEquals", attempt.id));
        if (attempt.tokenJti !== undefined) finders.push(op(keys.redis.tokenUse(attempt.tokenJti), "deleteIfEquals", tokenUseValue(attempt)));
        const member = historyMember(attempt);
        for (const [kind, hash] of Object.entries(attempt.ids) as [IdentifierKind, string][]) finders.push(op(keys.redis.history(kind, hash), "zrem", member));
      }
      const recordDeletes = [...ids.map((id) => op(keys.redis.attempt(id), "del")), ...sessionIds.map((id) => op(keys.redis.session(id), "del"))];
      // A record that expired before the sweep came leaves no site to look in: remove its id from every site's index.
      const sites = present.length < ids.length ? await this.client.smembers(idx("sites")) : [...new Set(present.map((a) => a.siteKey))];
      const indexes: Op[] = [];
      if (ids.length > 0) {
        indexes.push(op(idx("attempts"), "zrem", ...ids), op(idx("reviews"), "zrem", ...ids));
        for (const site of sites) indexes.push(op(idx("attempts", site), "zrem", ...ids), op(idx("reviews", site), "zrem", ...ids));
      }
      if (sessionIds.length > 0) indexes.push(op(idx("sessions"), "zrem", ...sessionIds));
      await applyPhases(this.client, this.isCluster, [finders, recordDeletes, indexes]);
      return { attempts: ids.length, sessions: sessionIds.length };
    }, SWEEP_TIMEOUT_MS);
  }

  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.client.quit(), new Promise((resolve) => (timer = setTimeout(resolve, COMMAND_TIMEOUT_MS)))]);
    } catch {
      // Already disconnected: nothing to flush.
    } finally {
      clearTimeout(timer);
      this.client.disconnect();
    }
  }
}
