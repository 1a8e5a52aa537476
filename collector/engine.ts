import { performance } from "node:perf_hooks";
import { decide, score, type Decision } from "./rules/policy.js";
import type { ConfiguredRule, Ruleset } from "./rules/ruleset.js";
import type { RuleContext, RuleOutcome, Severity } from "./rules/types.js";

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
 */
export function evaluate(ruleset: Ruleset, ctx: RuleContext, options: { enforceBudgets?: boolean } = {}): Evaluation | Promise<Evaluation> {
  const enforceBudgets = options.enforceBudgets ?? true;
  const { rules } = ruleset;
  const started: (RuleExecution | Promise<RuleExecution>)[] = new Array(rules.length);
  let isPending = false;
  for (let i = 0; i < rules.length; i++) {
    const execution = execute(rules[i]!, ctx, enforceBudgets);
    if (execution instanceof Promise) isPending = true;
    started[i] = execution;
  }
  if (isPending) return Promise.all(started).then((executions) => conclude(ruleset, executions));
  return conclude(ruleset, started as RuleExecution[]);
}

function conclude(ruleset: Ruleset, executions: RuleExecution[]): Evaluation {
  const severities: Severity[] = new Array(executions.length);
  const reasons: Reason[] = [];
  const matrix: Evaluation["matrix"] = new Array(executions.length);
  for (let i = 0; i < executions.length; i++) {
    const { rule, severity, ms, status, detail } = executions[i]!;
    severities[i] = severity;
    matrix[i] = { rule, severity, ms, status };
    if (severity === "none") continue;
    reasons.push({ rule, severity, detail: status === "ok" ? (detail ?? rule) : `${rule} ${status === "timeout" ? "missed its time budget" : "failed"}; its configured severity was used` });
  }
  return { decision: decide(ruleset.policy, severities), score: score(severities), reasons, matrix };
}

/**
 * A synchronous rule is judged at once (no promise, no timer); one that returns a promise races its
 * budget. Without `enforceBudgets` (a backtest judges decisions, not timing) nothing times out.
 */
function execute(rule: ConfiguredRule, ctx: RuleContext, enforceBudgets: boolean): RuleExecution | Promise<RuleExecution> {
  const startedMs = performance.now();
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

const elapsedMs = (startedMs: number) => Math.round((performance.now() - startedMs) * 1000) / 1000;

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
