import { gather } from "../assess/gather.js";
import { identifierHashes } from "../assess/identities.js";
import { evaluate, lookbackMs, prepareRuleset } from "../engine.js";
import { Labeler } from "../labels.js";
import type { Decision } from "../rules/policy.js";
import type { Ruleset } from "../rules/ruleset.js";
import type { RuleContext } from "../rules/types.js";
import type { Label } from "../store/types.js";
import type { BacktestAttempt } from "./input.js";
import { ReplayStore } from "./replay-store.js";

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

interface Tally {
  stats: RulesetStats;
  labelledHits: Record<string, { fraud: number; legit: number }>;
}

/**
 * Replays attempts in time order through the assess path on a fresh replay store, so every attempt is
 * matched only against earlier ones. A label becomes known `labelDelayMs` after its attempt, as it
 * would have been learnt.
 *
 * Each attempt goes through what `Assessor.assessAttempt` does before it answers, with the same code:
 * `identifierHashes`, `gather` (histories, graylist, hops, trust) and the engine's `evaluate` of each
 * ruleset on one context; labels go through `Labeler`. Left out is what only a live answer needs (the
 * answer, a record with links and matrices, a device summary, a random id), and the replay store keeps
 * only what these reads read back (see ReplayStore). `replay.test.ts` checks the result against the
 * assessor's on generated traffic.
 *
 * The candidate decides and the baseline is evaluated beside it on the same context, as a shadow
 * ruleset is live: what the store holds (identifiers, times, labels from the input) does not depend on
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
  const lookback = Math.max(lookbackMs(baseline ? [candidate.ruleset, baseline.ruleset] : [candidate.ruleset]), REPLAY_RETENTION_MS);
  const store = new ReplayStore();
  let labelNowMs = 0;
  const labeler = new Labeler(store.asStore(), () => labelNowMs);
  const tallies = [newTally(candidate.name), ...(baseline ? [newTally(baseline.name)] : [])];
  // Attempts are in time order and every label waits the same delay, so labels fall due in the order
  // their attempts were replayed: a queue, read from `nextDue` and trimmed now and then.
  const pending: { dueMs: number; attemptId: string; label: Label }[] = [];
  let nextDue = 0;
  const changes: Change[] = [];
  const evaluateOptions = { enforceBudgets: false };
  const started = performance.now();
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!;
    const nowMs = attempt.tsMs;
    while (nextDue < pending.length && pending[nextDue]!.dueMs <= nowMs) {
      const due = pending[nextDue++]!;
      labelNowMs = due.dueMs;
      await labeler.label(SITE_KEY, { attempt: due.attemptId }, due.label);
    }
    if (nextDue >= 4096) {
      pending.splice(0, nextDue);
      nextDue = 0;
    }
    const { order } = attempt;
    const ids = identifierHashes(store.hasher, {
      siteKey: SITE_KEY,
      order,
      ...(attempt.ip === undefined ? {} : { ip: attempt.ip }),
      ...(attempt.deviceId === undefined ? {} : { deviceId: attempt.deviceId }),
    });
    const { history, graylist, graylistHops, isTrusted } = await gather(store.asStore(), ids, nowMs - lookback);
    // The input carries no risk token: every attempt is taken as having come through the script.
    const ctx: RuleContext = { nowMs, siteKey: SITE_KEY, order, ids, history, graylist, graylistHops, isTrusted, tokenStatus: "valid", signals: attempt.signals };
    const live = await evaluate(candidate.ruleset, ctx, evaluateOptions);
    tally(tallies[0]!, attempt.label, live.decision, live.reasons);
    if (baseline) {
      const shadow = await evaluate(baseline.ruleset, ctx, evaluateOptions);
      tally(tallies[1]!, attempt.label, shadow.decision, shadow.reasons);
      if (shadow.decision !== live.decision) {
        changes.push({ line: attempt.line, orderId: order.id, ts: new Date(nowMs).toISOString(), label: attempt.label, baseline: shadow.decision, candidate: live.decision });
      }
    }
    const attemptId = store.record(SITE_KEY, nowMs, ids);
    if (attempt.label) {
      pending.push({ dueMs: nowMs + labelDelayMs, attemptId, label: attempt.label });
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

function finish({ stats, labelledHits }: Tally): RulesetStats {
  for (const rule of Object.keys(stats.rules)) {
    const hits = labelledHits[rule];
    const labelled = hits ? hits.fraud + hits.legit : 0;
    stats.precision[rule] = labelled > 0 ? hits!.fraud / labelled : null;
  }
  return stats;
}
