import { randomBytes } from "node:crypto";
import { Assessor, type SiteRules } from "../assess/assessor.js";
import { prepareRuleset } from "../engine.js";
import { IdentifierHasher } from "../identity/hash.js";
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

interface Engine {
  name: string;
  site: SiteRules;
  store: MemoryStore;
  assessor: Assessor;
  labeler: Labeler;
  pending: { dueMs: number; attemptId: string; label: Label }[];
  stats: RulesetStats;
  labelledHits: Record<string, { fraud: number; legit: number }>;
}

/**
 * Replays attempts in time order through each ruleset's own engine on its own fresh in-memory store,
 * so every attempt is matched only against earlier ones. A label becomes known `labelDelayMs` after
 * its attempt, as it would have been learnt. Candidate and baseline run in the same pass.
 */
export async function replay(
  input: BacktestAttempt[],
  options: { candidate: { name: string; ruleset: Ruleset }; baseline?: { name: string; ruleset: Ruleset }; labelDelayMs?: number; onProgress?: (done: number, total: number) => void },
): Promise<ReplayResult> {
  const attempts = [...input].sort((a, b) => a.tsMs - b.tsMs || a.line - b.line);
  const labelDelayMs = options.labelDelayMs ?? 0;
  const engines: Engine[] = [];
  try {
    engines.push(await openEngine(options.candidate.name, options.candidate.ruleset));
    if (options.baseline) engines.push(await openEngine(options.baseline.name, options.baseline.ruleset));
    const changes: Change[] = [];
    const started = performance.now();
    for (let i = 0; i < attempts.length; i++) {
      const attempt = attempts[i]!;
      const decisions: Decision[] = [];
      for (const engine of engines) decisions.push(await step(engine, attempt, labelDelayMs));
      if (decisions.length === 2 && decisions[0] !== decisions[1]) {
        changes.push({ line: attempt.line, orderId: attempt.order.id, ts: new Date(attempt.tsMs).toISOString(), label: attempt.label, baseline: decisions[1]!, candidate: decisions[0]! });
      }
      if (options.onProgress && (i % 500 === 499 || i === attempts.length - 1)) options.onProgress(i + 1, attempts.length);
    }
    const durationMs = performance.now() - started;
    const result: ReplayResult = {
      candidate: finish(engines[0]!),
      durationMs,
      attemptsPerSecond: attempts.length / Math.max(durationMs / 1000, 1e-9),
    };
    if (engines[1]) {
      result.baseline = finish(engines[1]);
      result.changed = changes.length;
      result.changes = changes;
    }
    return result;
  } finally {
    for (const engine of engines) await engine.store.close();
  }
}

async function openEngine(name: string, ruleset: Ruleset): Promise<Engine> {
  prepareRuleset(ruleset);
  const store = new MemoryStore();
  const hasher = new IdentifierHasher(await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32)));
  const tokens = await TokenService.open(store, { issuer: "backtest", ttlSeconds: 600 });
  const empty = (): OutcomeCounts => ({ total: 0, stopped: 0, challenged: 0 });
  return {
    name,
    site: { siteKey: SITE_KEY, live: { name, ruleset }, shadow: [] },
    store,
    assessor: new Assessor({ store, tokens, hasher, retentionMs: REPLAY_RETENTION_MS, enforceBudgets: false }),
    labeler: new Labeler(store),
    pending: [],
    stats: { ruleset: name, attempts: 0, fraud: empty(), legit: empty(), decisions: { allow: 0, challenge: 0, review: 0, deny: 0 }, rules: {}, precision: {} },
    labelledHits: {},
  };
}

async function step(engine: Engine, attempt: BacktestAttempt, labelDelayMs: number): Promise<Decision> {
  while (engine.pending.length > 0 && engine.pending[0]!.dueMs <= attempt.tsMs) {
    const due = engine.pending.shift()!;
    await engine.labeler.label(SITE_KEY, { attempt: due.attemptId }, due.label);
  }
  // The input carries no risk token: every attempt is taken as having come through the script.
  const answer = await engine.assessor.assessAttempt(engine.site, {
    order: attempt.order,
    tokenStatus: "valid",
    nowMs: attempt.tsMs,
    ...(attempt.ip === undefined ? {} : { ip: attempt.ip }),
    ...(attempt.deviceId === undefined ? {} : { deviceId: attempt.deviceId }),
    ...(attempt.signals === undefined ? {} : { signals: attempt.signals }),
  });
  if (attempt.label) insertByDue(engine.pending, { dueMs: attempt.tsMs + labelDelayMs, attemptId: answer.id, label: attempt.label });

  const { stats } = engine;
  stats.attempts += 1;
  stats.decisions[answer.decision] += 1;
  if (attempt.label) {
    const counts = stats[attempt.label];
    counts.total += 1;
    if (answer.decision === "review" || answer.decision === "deny") counts.stopped += 1;
    else if (answer.decision === "challenge") counts.challenged += 1;
  }
  for (const row of answer.matrix) {
    if (row.severity === "none") continue;
    stats.rules[row.rule] = (stats.rules[row.rule] ?? 0) + 1;
    if (attempt.label) {
      const hits = (engine.labelledHits[row.rule] ??= { fraud: 0, legit: 0 });
      hits[attempt.label] += 1;
    }
  }
  return answer.decision;
}

/** Keeps the pending labels ordered by when they become known (a later delay never overtakes). */
function insertByDue(pending: Engine["pending"], item: Engine["pending"][number]): void {
  let i = pending.length;
  while (i > 0 && pending[i - 1]!.dueMs > item.dueMs) i -= 1;
  pending.splice(i, 0, item);
}

function finish(engine: Engine): RulesetStats {
  const { stats } = engine;
  for (const rule of Object.keys(stats.rules)) {
    const hits = engine.labelledHits[rule];
    const labelled = hits ? hits.fraud + hits.legit : 0;
    stats.precision[rule] = labelled > 0 ? hits!.fraud / labelled : null;
  }
  return stats;
}
