import { performance } from "node:perf_hooks";
import type { IdentifierHasher } from "../identity/hash.js";
import { evaluate, historyReach, lookbackMs, type Evaluation } from "../engine.js";
import { newId } from "../ids.js";
import { KeyedLock } from "../keyed-lock.js";
import type { Metrics } from "../metrics.js";
import type { ContactVault } from "../contact-vault.js";
import type { Ruleset } from "../rules/ruleset.js";
import type { HistoryReads, RuleContext } from "../rules/types.js";
import type { AttemptRecord, HistoryEntry, IdentifierHashes, OrderSummary, SessionRecord, Store } from "../store/types.js";
import { StoreUnavailableError } from "../store/unavailable.js";
import type { Decision } from "../rules/policy.js";
import type { TokenService, TokenStatus } from "../token.js";
import type { AssessAnswer } from "./answer.js";
import { gather, reachAt, readRound, type HistoryReach, type Round } from "./gather.js";
import { identifierHashes } from "./identities.js";
import type { AssessRequest, Order } from "./request.js";
import type { EnvironmentSignals } from "../../sdk/protocol.js";

/** One attempt as the engine sees it, whether it came through /v1/assess or from a backtest file. */
export interface AttemptInput {
  order: Order;
  tokenStatus: TokenStatus;
  nowMs: number;
  ip?: string;
  deviceId?: string;
  signals?: EnvironmentSignals;
  /** The token id to mark as used by this attempt. */
  jti?: string;
}

/** The first round of reads, issued with the identifiers a token promised before its session was read. */
interface Prefetched {
  ids: IdentifierHashes;
  ip: string | undefined;
  deviceHash: string | undefined;
  /** Absent for a store that reads locally: its reads cost no round trip, so they wait for gather. */
  round: Promise<Round> | undefined;
}

/** An attempt judged, not yet recorded. */
interface Decided {
  answer: AssessAnswer;
  record: AttemptRecord;
  live: Evaluation;
  shadows: Evaluation[];
}

export interface SiteRules {
  siteKey: string;
  live: { name: string; ruleset: Ruleset };
  shadow: { name: string; ruleset: Ruleset }[];
}

/**
 * POST /v1/assess without the HTTP: resolve the token, hash the identifiers, read each one's history
 * once, run the live and shadow rulesets, record the attempt durably, answer.
 */
export class Assessor {
  private readonly tokenLock = new KeyedLock();
  /** Per site's rules, how far back its rulesets read: the same for every attempt until the rules are reloaded. */
  private readonly readsBySite = new WeakMap<SiteRules, { lookbackMs: number; kinds: HistoryReads }>();

  constructor(
    private readonly deps: {
      store: Store;
      tokens: TokenService;
      hasher: IdentifierHasher;
      retentionMs: number;
      metrics?: Metrics;
      contacts?: ContactVault;
      /** What assess answers while the store cannot be reached (default `review`). */
      fallbackDecision?: Decision;
      /** Off for backtests: a replay judges decisions, and a GC pause must not turn a rule into a timeout. */
      enforceBudgets?: boolean;
      now?: () => number;
    },
  ) {}

  /** With the store unreachable: the fallback decision and a `store_unavailable` entry, unrecorded, within the store's deadline. */
  async assess(site: SiteRules, request: AssessRequest): Promise<AssessAnswer> {
    const startedAt = performance.now();
    try {
      return await this.assessWithStore(site, request);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      const ms = Math.round((performance.now() - startedAt) * 1000) / 1000;
      const decision = this.deps.fallbackDecision ?? "review";
      const token = request.token ? (await this.deps.tokens.verify(request.token, site.siteKey)).status : "missing";
      const detail = `the store could not be reached (${err.message}); the fallback decision ${decision} was used and the attempt was not recorded`;
      this.deps.metrics?.observeAssess(site.siteKey, decision, [], ms / 1000);
      return {
        id: newId("att"),
        orderId: request.order.id,
        decision,
        score: 0,
        token: { status: token },
        reasons: [{ rule: "store_unavailable", severity: "medium", detail }],
        matrix: [{ rule: "store_unavailable", severity: "medium", ms, status: "error" }],
        device: null,
        shadow: [],
      };
    }
  }

  /**
   * With a token, everything an assess reads goes in one round: the token's use, its session, and the
   * history and lists of the identifiers as the token promises them (the order's, the request's IP and
   * the token's `dev`). Only when the session shows otherwise (another device, no device, the IP of the
   * session) are the differing identifiers read in a second round; the answer is the same either way.
   */
  private async assessWithStore(site: SiteRules, request: AssessRequest): Promise<AssessAnswer> {
    const { tokens, store } = this.deps;
    if (request.token === undefined || request.token === "") return this.assessWith(site, request, "missing", undefined);
    const verified = await tokens.verify(request.token, site.siteKey);
    if (verified.jti === undefined || verified.status === "wrong_site") {
      return this.assessWith(site, request, verified.status, undefined);
    }
    const jti = verified.jti;
    return this.tokenLock.run(jti, async () => {
      const nowMs = this.now();
      const ids = this.identify(site.siteKey, request.order, request.ip, verified.device);
      const round = store.local ? undefined : readRound(store, ids, this.reach(site, nowMs));
      round?.catch(() => {});
      const [use, session] = await Promise.all([store.getTokenUse(jti), verified.sessionId === undefined ? undefined : store.getSession(verified.sessionId)]);
      if (use && use.orderId === request.order.id) {
        const first = await store.getAttempt(use.attemptId);
        if (first) return first.answer;
      }
      const status: TokenStatus = use ? "reused" : verified.status;
      const read: Prefetched = { ids, ip: request.ip, deviceHash: verified.device, round };
      return this.assessWith(site, request, status, session?.siteKey === site.siteKey ? session : undefined, use ? undefined : jti, nowMs, read);
    });
  }

  private assessWith(
    site: SiteRules,
    request: AssessRequest,
    tokenStatus: TokenStatus,
    session: SessionRecord | undefined,
    jti?: string,
    nowMs = this.now(),
    read?: Prefetched,
  ): Promise<AssessAnswer> {
    const ip = request.ip ?? session?.ip;
    const deviceId = session?.signals.visitorId;
    return this.assessAttempt(
      site,
      {
        order: request.order,
        tokenStatus,
        nowMs,
        ...(ip === undefined ? {} : { ip }),
        ...(deviceId === undefined ? {} : { deviceId }),
        ...(session ? { signals: session.signals } : {}),
        ...(jti === undefined ? {} : { jti }),
      },
      read,
    );
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** How far back to read: the whole read over the retention (or a longer window), each kind as far as the rules read it. */
  private reach(site: SiteRules, nowMs: number): HistoryReach {
    let reads = this.readsBySite.get(site);
    if (reads === undefined) {
      const rulesets = [site.live, ...site.shadow].map((r) => r.ruleset);
      reads = { lookbackMs: Math.max(lookbackMs(rulesets), this.deps.retentionMs), kinds: historyReach(rulesets) };
      this.readsBySite.set(site, reads);
    }
    return reachAt(nowMs, nowMs - reads.lookbackMs, reads.kinds);
  }

  /** The attempt's identifier hashes, the device given as its hash (as a token's `dev` carries it). */
  private identify(siteKey: string, order: Order, ip: string | undefined, deviceHash: string | undefined): IdentifierHashes {
    const ids = identifierHashes(this.deps.hasher, { siteKey, order, ...(ip === undefined ? {} : { ip }) });
    // The device first, where identifierHashes puts it: the order of `ids` is kept in the record.
    return deviceHash === undefined ? ids : { device: deviceHash, ...ids };
  }

  /**
   * One attempt through the rulesets, recorded: what /v1/assess does once the token is resolved, and
   * what a backtest does for each replayed attempt (with the attempt's own time).
   */
  async assessAttempt(site: SiteRules, attempt: AttemptInput, read?: Prefetched): Promise<AssessAnswer> {
    const { store, metrics } = this.deps;
    const startedAt = performance.now();
    const { answer, record, live, shadows } = await this.decide(site, attempt, read);
    const recordingAt = performance.now();
    if (answer.decision === "challenge" && this.deps.contacts) {
      const { order } = attempt;
      await Promise.all([
        store.recordAttempt(record),
        this.deps.contacts.keep(answer.id, { ...(order.email ? { email: order.email } : {}), ...(order.phone ? { phone: order.phone } : {}) }),
      ]);
    } else {
      await store.recordAttempt(record);
    }
    if (metrics) {
      const endedAt = performance.now();
      metrics.observeEvaluation(site.live.name, live);
      site.shadow.forEach((s, i) => metrics.observeEvaluation(s.name, shadows[i]!));
      metrics.observeAssess(site.siteKey, answer.decision, answer.shadow, (endedAt - startedAt) / 1000, (endedAt - recordingAt) / 1000);
    }
    return answer;
  }

  /**
   * The attempt's reads, evaluations, answer and record. Its own function so that what it read (every
   * identifier's history) is garbage once it returns, not held through the durable write that follows:
   * held, most of it outlived a young-generation collection and was copied and promoted.
   */
  private async decide(site: SiteRules, attempt: AttemptInput, read: Prefetched | undefined): Promise<Decided> {
    const { store, hasher } = this.deps;
    const { order, tokenStatus, nowMs, jti } = attempt;
    const deviceHash = attempt.deviceId ? hasher.hash("device", attempt.deviceId) : undefined;
    const ids = read && read.ip === attempt.ip && read.deviceHash === deviceHash ? read.ids : this.identify(site.siteKey, order, attempt.ip, deviceHash);

    const { history, graylist, graylistHops, isTrusted, links } = await gather(store, ids, this.reach(site, nowMs), read?.round);

    const ctx: RuleContext = { nowMs, siteKey: site.siteKey, order, ids, history, graylist, graylistHops, isTrusted, tokenStatus, signals: attempt.signals };
    const evaluated = this.evaluateAll(site, ctx);
    const [live, ...shadows] = evaluated instanceof Promise ? await evaluated : evaluated;

    const id = newId("att", nowMs);
    const answer: AssessAnswer = {
      id,
      orderId: order.id,
      decision: live!.decision,
      score: live!.score,
      token: { status: tokenStatus },
      reasons: live!.reasons,
      matrix: live!.matrix,
      device: describeDevice(ids.device, history.device ?? [], nowMs),
      shadow: site.shadow.map((s, i) => ({ ruleset: s.name, decision: shadows[i]!.decision })),
    };
    const record: AttemptRecord = { id, siteKey: site.siteKey, orderId: order.id, tsMs: nowMs, ids, answer, links, order: summariseOrder(order) };
    if (site.shadow.length > 0) {
      record.shadowMatrix = site.shadow.map((s, i) => ({ ruleset: s.name, reasons: shadows[i]!.reasons }));
    }
    if (jti !== undefined) record.tokenJti = jti;
    if (answer.decision === "review") record.review = { status: "open", atMs: nowMs };
    return { answer, record, live: live!, shadows };
  }

  /** The live ruleset's evaluation first, then each shadow's; without a promise when every rule answered synchronously. */
  private evaluateAll(site: SiteRules, ctx: RuleContext): Evaluation[] | Promise<Evaluation[]> {
    const options = { enforceBudgets: this.deps.enforceBudgets ?? true };
    const evaluations: (Evaluation | Promise<Evaluation>)[] = [evaluate(site.live.ruleset, ctx, options)];
    let isPending = evaluations[0] instanceof Promise;
    for (const shadow of site.shadow) {
      const evaluation = evaluate(shadow.ruleset, ctx, options);
      if (evaluation instanceof Promise) isPending = true;
      evaluations.push(evaluation);
    }
    return isPending ? Promise.all(evaluations) : (evaluations as Evaluation[]);
  }
}

function describeDevice(hash: string | undefined, earlier: HistoryEntry[], nowMs: number): AssessAnswer["device"] {
  if (hash === undefined) return null;
  let firstMs = nowMs;
  for (let i = 0; i < earlier.length; i++) if (earlier[i]!.tsMs < firstMs) firstMs = earlier[i]!.tsMs;
  return { id: `dev_${hash}`, firstSeen: new Date(firstMs).toISOString(), attempts: earlier.length + 1 };
}

function summariseOrder(order: Order): OrderSummary {
  const summary: OrderSummary = {};
  if (order.amount !== undefined) summary.amount = order.amount;
  if (order.currency !== undefined) summary.currency = order.currency;
  if (order.items !== undefined) summary.items = order.items;
  if (order.shipping?.country !== undefined) summary.shippingCountry = order.shipping.country;
  if (order.billing?.country !== undefined) summary.billingCountry = order.billing.country;
  if (order.payment?.method !== undefined) summary.paymentMethod = order.payment.method;
  if (order.customer?.segment !== undefined) summary.customerSegment = order.customer.segment;
  if (order.customer?.createdAt !== undefined) summary.customerCreatedAt = order.customer.createdAt;
  return summary;
}
