import { Assessor, type SiteRules } from "../assess/assessor.js";
import { prepareRuleset } from "../engine.js";
import { IdentifierHasher } from "../identity/hash.js";
import type { IdentifierKind } from "../identity/normalise.js";
import { Labeler } from "../labels.js";
import type { Decision } from "../rules/policy.js";
import type { Ruleset } from "../rules/ruleset.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import type { Label } from "../store/types.js";
import { TokenService } from "../token.js";
import type { BacktestAttempt } from "./input.js";

const SITE_KEY = "backtest";
/** Backtests look back as far as the data goes; retention does not apply to a replay. */
const REPLAY_RETENTION_MS = 10 * 365 * 86_400_000;

export interface OutcomeCounts {
  total: number;
  /** review or deny */
  stopped: number;
  challenged: number;
}

export interface RulesetStats {
  ruleset: string;
  attempts: number;
  fraud: OutcomeCounts;
  legit: OutcomeCounts;
  decisions: Record<Decision, number>;
  /** Attempts on which each rule gave a severity other than none. */
  rules: Record<string, number>;
  /** Of each rule's hits on labelled attempts, the share that were fraud (null without labelled hits). */
  precision: Record<string, number | null>;
}

export interface Change {
  line: number;
  orderId: string;
  ts: string;
  label: Label | null;
  baseline: Decision;
  candidate: Decision;
}

export interface ReplayResult {
  candidate: RulesetStats;
  baseline?: RulesetStats;
  changed?: number;
  changes?: Change[];
  durationMs: number;
  attemptsPerSecond: number;
}

interface PendingLabel {
  dueMs: number;
  attemptId: string;
  label: Label;
}

interface Tally {
  stats: RulesetStats;
  labelledHits: Record<string, { fraud: number; legit: number }>;
}

/**
 * In a throw-away replay store nothing is persisted or shared, so each distinct normalised value of a
 * kind gets a short key of its own (a counter) instead of a keyed hash: equal values match exactly as
 * their hashes would, without an HMAC per identifier, and the store compares one short string.
 */
class ReplayKeys extends IdentifierHasher {
  private readonly keys = new Map<IdentifierKind, Map<string, string>>();
  private next = 0;

  constructor() {
    super(Buffer.alloc(32));
  }

  override hash(kind: IdentifierKind, normalisedValue: string): string {
    let byValue = this.keys.get(kind);
    if (byValue === undefined) this.keys.set(kind, (byValue = new Map()));
    let key = byValue.get(normalisedValue);
    if (key === undefined) byValue.set(normalisedValue, (key = (this.next++).toString(36)));
    return key;
  }
}

/**
 * Replays attempts in time order through the assess path on a fresh in-memory store, so every
 * attempt is matched only against earlier ones. A label becomes known `labelDelayMs` after its
 * attempt, as it would have been learnt.
 *
 * The candidate decides and the baseline runs beside it as a shadow ruleset, as a challenger does on
 * live traffic: what the store holds (identifiers, times, labels from the input) does not depend on
 * any decision, so both rulesets see exactly the history they would see on stores of their own, and
 * each attempt's identifiers are normalised, read and recorded once for both.
 */
export async function replay(
  input: BacktestAttempt[],
  options: { candidate: { name: string; ruleset: Ruleset }; baseline?: { name: string; ruleset: Ruleset }; labelDelayMs?: number; onProgress?: (done: number, total: number) => void },
): Promise<ReplayResult> {
  const attempts = [...input].sort((a, b) => a.tsMs - b.tsMs || a.line - b.line);
  const labelDelayMs = options.labelDelayMs ?? 0;
  const { candidate, baseline } = options;
  prepareRuleset(candidate.ruleset);
  if (baseline) prepareRuleset(baseline.ruleset);
  const store = new MemoryStore();
  try {
    const tokens = await TokenService.open(store, { issuer: "backtest", ttlSeconds: 600 });
    const assessor = new Assessor({ store, tokens, hasher: new ReplayKeys(), retentionMs: REPLAY_RETENTION_MS, enforceBudgets: false });
    const labeler = new Labeler(store);
    const site: SiteRules = { siteKey: SITE_KEY, live: candidate, shadow: baseline ? [baseline] : [] };
    const tallies = [newTally(candidate.name), ...(baseline ? [newTally(baseline.name)] : [])];
    const pending: PendingLabel[] = [];
    const changes: Change[] = [];
    const started = performance.now();
    for (let i = 0; i < attempts.length; i++) {
      const attempt = attempts[i]!;
      while (pending.length > 0 && pending[0]!.dueMs <= attempt.tsMs) {
        const due = pending.shift()!;
        await labeler.label(SITE_KEY, { attempt: due.attemptId }, due.label);
      }
      // The input carries no risk token: every attempt is taken as having come through the script.
      const answer = await assessor.assessAttempt(site, {
        order: attempt.order,
        tokenStatus: "valid",
        nowMs: attempt.tsMs,
        ...(attempt.ip === undefined ? {} : { ip: attempt.ip }),
        ...(attempt.deviceId === undefined ? {} : { deviceId: attempt.deviceId }),
        ...(attempt.signals === undefined ? {} : { signals: attempt.signals }),
      });
      if (attempt.label) insertByDue(pending, { dueMs: attempt.tsMs + labelDelayMs, attemptId: answer.id, label: attempt.label });
      tally(tallies[0]!, attempt.label, answer.decision, answer.reasons);
      if (baseline) {
        // The shadow's reasons (one per rule that gave a severity) are kept with the recorded attempt.
        const record = await store.getAttempt(answer.id);
        const decision = answer.shadow[0]!.decision;
        tally(tallies[1]!, attempt.label, decision, record!.shadowMatrix![0]!.reasons);
        if (decision !== answer.decision) {
          changes.push({ line: attempt.line, orderId: attempt.order.id, ts: new Date(attempt.tsMs).toISOString(), label: attempt.label, baseline: decision, candidate: answer.decision });
        }
      }
      if (options.onProgress && (i % 500 === 499 || i === attempts.length - 1)) options.onProgress(i + 1, attempts.length);
    }
    const durationMs = performance.now() - started;
    const result: ReplayResult = {
      candidate: finish(tallies[0]!),
      durationMs,
      attemptsPerSecond: attempts.length / Math.max(durationMs / 1000, 1e-9),
    };
    if (tallies[1]) {
      result.baseline = finish(tallies[1]);
      result.changed = changes.length;
      result.changes = changes;
    }
    return result;
  } finally {
    await store.close();
  }
}

function newTally(name: string): Tally {
  const empty = (): OutcomeCounts => ({ total: 0, stopped: 0, challenged: 0 });
  return {
    stats: { ruleset: name, attempts: 0, fraud: empty(), legit: empty(), decisions: { allow: 0, challenge: 0, review: 0, deny: 0 }, rules: {}, precision: {} },
    labelledHits: {},
  };
}

/** Counts one attempt's decision, and a hit for each rule that gave a severity (each has one reason). */
function tally({ stats, labelledHits }: Tally, label: Label | null, decision: Decision, reasons: readonly { rule: string }[]): void {
  stats.attempts += 1;
  stats.decisions[decision] += 1;
  if (label) {
    const counts = stats[label];
    counts.total += 1;
    if (decision === "review" || decision === "deny") counts.stopped += 1;
    else if (decision === "challenge") counts.challenged += 1;
  }
  for (const { rule } of reasons) {
    stats.rules[rule] = (stats.rules[rule] ?? 0) + 1;
    if (label) {
      const hits = (labelledHits[rule] ??= { fraud: 0, legit: 0 });
      hits[label] += 1;
    }
  }
}

/** Keeps the pending labels ordered by when they become known (a later delay never overtakes). */
function insertByDue(pending: PendingLabel[], item: PendingLabel): void {
  let i = pending.length;
  while (i > 0 && pending[i - 1]!.dueMs > item.dueMs) i -= 1;
  pending.splice(i, 0, item);
}

function finish({ stats, labelledHits }: Tally): RulesetStats {
  for (const rule of Object.keys(stats.rules)) {
    const hits = labelledHits[rule];
    const labelled = hits ? hits.fraud + hits.legit : 0;
    stats.precision[rule] = labelled > 0 ? hits!.fraud / labelled : null;
  }
  return stats;
}
