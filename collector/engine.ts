import { performance } from "node:perf_hooks";
import { decide, score, type Decision } from "./rules/policy.js";
import { paramsKey } from "./rules/params-key.js";
import type { ConfiguredRule, Ruleset } from "./rules/ruleset.js";
import { IDENTIFIER_KINDS } from "./identity/normalise.js";
import type { HistoryReads, RuleContext, RuleOutcome, Severity } from "./rules/types.js";

export type ExecutionStatus = "ok" | "timeout" | "error";

export interface RuleExecution {
  rule: string;
  severity: Severity;
  ms: number;
  status: ExecutionStatus;
  detail?: string;
}

export interface Reason {
  rule: string;
  severity: Exclude<Severity, "none">;
  detail: string;
}

export interface EvaluateOptions {
  /** Rules that miss their budget get their `onTimeout` severity (default true; a backtest judges decisions, not timing). */
  enforceBudgets?: boolean;
  /** Measure each rule's `ms` (default true; ignored, and on, when budgets are enforced). */
  isTimed?: boolean;
  /** Keep the rules' outcomes for another ruleset evaluated next on the same context (default true; see `evaluate`). */
  isShared?: boolean;
}

export interface Evaluation {
  decision: Decision;
  score: number;
  reasons: Reason[];
  matrix: Omit<RuleExecution, "detail">[];
}

/** How far back the rules of these rulesets look, so the context holds enough history. */
export function lookbackMs(rulesets: Iterable<Ruleset>): number {
  let max = 0;
  for (const ruleset of rulesets) {
    for (const rule of ruleset.rules) max = Math.max(max, rule.definition.lookbackMs?.(rule.params) ?? 0);
  }
  return max;
}

/**
 * How far back the rules of these rulesets read each identifier kind's history (ms; Infinity for the
 * whole retention; a kind no rule reads is left out). A rule that does not declare what it reads is
 * taken to read every kind over the whole retention.
 */
export function historyReach(rulesets: Iterable<Ruleset>): HistoryReads {
  const reach: HistoryReads = {};
  for (const ruleset of rulesets) {
    for (const [kind, ms] of Object.entries(readsOf(ruleset)) as [keyof HistoryReads, number][]) reach[kind] = Math.max(reach[kind] ?? 0, ms);
  }
  return reach;
}

const readsByRuleset = new WeakMap<Ruleset, HistoryReads>();

function readsOf(ruleset: Ruleset): HistoryReads {
  let reads = readsByRuleset.get(ruleset);
  if (reads !== undefined) return reads;
  reads = {};
  for (const rule of ruleset.rules) {
    const declared: HistoryReads = rule.definition.reads?.(rule.params) ?? Object.fromEntries(IDENTIFIER_KINDS.map((kind) => [kind, Infinity]));
    for (const [kind, ms] of Object.entries(declared) as [keyof HistoryReads, number][]) reads[kind] = Math.max(reads[kind] ?? 0, ms);
  }
  readsByRuleset.set(ruleset, reads);
  return reads;
}

/** Lets each rule load its data before the ruleset serves (see RuleDefinition.prepare); a failure is left to the rule's first evaluation. */
export function prepareRuleset(ruleset: Ruleset): void {
  for (const rule of ruleset.rules) {
    try {
      rule.definition.prepare?.(rule.params);
    } catch {
      // The evaluation meets the same problem and reports it as an `error` execution.
    }
  }
}

/**
 * Runs every rule of the ruleset concurrently, each within its time budget. A rule that misses its
 * budget or throws gets its configured `onTimeout` severity and is marked so in the matrix; the
 * decision always completes. When every rule answers synchronously (as the built-in rules do) the
 * evaluation completes without waiting on a promise.
 *
 * Rules are pure, so when another ruleset was evaluated on the same context (the live one before a
 * shadow, a backtest's candidate before its baseline), a rule it ran with the same parameters is not
 * run again: its outcome and time are taken over, unless it failed, timed out or took longer than
 * this ruleset's budget for it.
 *
 * `isTimed: false` (only without `enforceBudgets`, which needs the time) leaves every `ms` at 0: a
 * backtest never reads them, and two clock reads per rule are a measurable part of its rules' time.
 */
export function evaluate(ruleset: Ruleset, ctx: RuleContext, options: EvaluateOptions = {}): Evaluation | Promise<Evaluation> {
  const enforceBudgets = options.enforceBudgets ?? true;
  const isTimed = enforceBudgets || (options.isTimed ?? true);
  const { rules } = ruleset;
  const earlier = lastEvaluated?.ctx === ctx ? lastEvaluated : undefined;
  const pairs = earlier === undefined ? undefined : samePairs(earlier.ruleset, ruleset);
  const started: (RuleExecution | Promise<RuleExecution>)[] = new Array(rules.length);
  let isPending = false;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const known = pairs !== undefined && pairs[i]! >= 0 ? earlier!.executions[pairs[i]!]! : undefined;
    if (known !== undefined && known.status === "ok" && (!enforceBudgets || known.ms <= rule.budgetMs)) {
      started[i] = known;
      continue;
    }
    const execution = execute(rule, ctx, enforceBudgets, isTimed);
    if (execution instanceof Promise) isPending = true;
    started[i] = execution;
  }
  if (isPending) return Promise.all(started).then((executions) => conclude(ruleset, executions));
  if (options.isShared ?? true) lastEvaluated = { ctx, ruleset, executions: started as RuleExecution[] };
  return conclude(ruleset, started as RuleExecution[]);
}

/**
 * The last ruleset evaluated synchronously, with its context and executions. A ruleset evaluated on the
 * same context straight after (a shadow after the live one, a baseline after a candidate) takes its
 * outcomes over. One slot rather than a WeakMap keyed by context: a WeakMap's entries kept every
 * assess's executions alive until the next full collection, so each survived the young generation and
 * was promoted (45% of the bytes promoted at 1,000 assess/s, measured), and full collections came
 * every 2 s with pauses of 3–7 ms.
 */
let lastEvaluated: { ctx: RuleContext; ruleset: Ruleset; executions: RuleExecution[] } | undefined;
const pairsByRuleset = new WeakMap<Ruleset, WeakMap<Ruleset, Int32Array>>();
const paramsKeys = new WeakMap<ConfiguredRule, string | null>();

/** For each rule of `later`, the index of the same rule with equal parameters in `earlier`, or -1. */
function samePairs(earlier: Ruleset, later: Ruleset): Int32Array {
  let byLater = pairsByRuleset.get(earlier);
  if (byLater === undefined) pairsByRuleset.set(earlier, (byLater = new WeakMap()));
  let pairs = byLater.get(later);
  if (pairs === undefined) {
    pairs = new Int32Array(later.rules.length).fill(-1);
    later.rules.forEach((rule, i) => {
      const key = keyOf(rule);
      if (key !== null) pairs![i] = earlier.rules.findIndex((other) => other.definition === rule.definition && keyOf(other) === key);
    });
    byLater.set(later, pairs);
  }
  return pairs;
}

function keyOf(rule: ConfiguredRule): string | null {
  let key = paramsKeys.get(rule);
  if (key === undefined) paramsKeys.set(rule, (key = paramsKey(rule.params) ?? null));
  return key;
}

function conclude(ruleset: Ruleset, executions: RuleExecution[]): Evaluation {
  const severities: Severity[] = new Array(executions.length);
  const reasons: Reason[] = [];
  const matrix: Evaluation["matrix"] = new Array(executions.length);
  for (let i = 0; i < executions.length; i++) {
    const execution = executions[i]!;
    const { rule, severity, ms, status, detail } = execution;
    severities[i] = severity;
    // An execution without a detail already is its matrix row (same fields, same order); executions are never changed.
    matrix[i] = detail === undefined ? execution : { rule, severity, ms, status };
    if (severity === "none") continue;
    reasons.push({ rule, severity, detail: status === "ok" ? (detail ?? rule) : `${rule} ${status === "timeout" ? "missed its time budget" : "failed"}; its configured severity was used` });
  }
  return { decision: decide(ruleset.policy, severities), score: score(severities), reasons, matrix };
}

/**
 * A synchronous rule is judged at once (no promise, no timer); one that returns a promise races its
 * budget. Without `enforceBudgets` (a backtest judges decisions, not timing) nothing times out.
 */
function execute(rule: ConfiguredRule, ctx: RuleContext, enforceBudgets: boolean, isTimed: boolean): RuleExecution | Promise<RuleExecution> {
  const startedMs = isTimed ? performance.now() : UNTIMED;
  let pending: RuleOutcome | Promise<RuleOutcome>;
  try {
    pending = rule.definition.evaluate(ctx, rule.params);
  } catch {
    return failed(rule, startedMs);
  }
  if (!(pending instanceof Promise)) return settle(rule, pending, startedMs, enforceBudgets);
  const settleLater = (outcome: RuleOutcome | "timeout") => settle(rule, outcome, startedMs, enforceBudgets);
  const failLater = () => failed(rule, startedMs);
  if (!enforceBudgets) return pending.then(settleLater, failLater);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, rule.budgetMs, "timeout")));
  return Promise.race([pending, timeout]).then(settleLater, failLater).finally(() => clearTimeout(timer));
}

/** The start of an execution that is not timed: its `ms` is 0. */
const UNTIMED = -1;

const elapsedMs = (startedMs: number) => (startedMs === UNTIMED ? 0 : Math.round((performance.now() - startedMs) * 1000) / 1000);

function settle(rule: ConfiguredRule, outcome: RuleOutcome | "timeout", startedMs: number, enforceBudgets: boolean): RuleExecution {
  const ms = elapsedMs(startedMs);
  const id = rule.definition.id;
  if (outcome === "timeout" || (enforceBudgets && ms > rule.budgetMs)) return { rule: id, severity: rule.onTimeout, ms, status: "timeout" };
  const execution: RuleExecution = { rule: id, severity: outcome.severity, ms, status: "ok" };
  if (outcome.detail !== undefined) execution.detail = outcome.detail;
  return execution;
}

function failed(rule: ConfiguredRule, startedMs: number): RuleExecution {
  return { rule: rule.definition.id, severity: rule.onTimeout, ms: elapsedMs(startedMs), status: "error" };
}
