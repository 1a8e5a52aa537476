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
 * decision always completes.
 */
export async function evaluate(ruleset: Ruleset, ctx: RuleContext, options: { enforceBudgets?: boolean } = {}): Promise<Evaluation> {
  const enforceBudgets = options.enforceBudgets ?? true;
  const started = ruleset.rules.map((rule) => execute(rule, ctx, enforceBudgets));
  const executions = started.some((e) => e instanceof Promise) ? await Promise.all(started) : (started as RuleExecution[]);
  const severities = executions.map((e) => e.severity);
  const reasons: Reason[] = [];
  for (const e of executions) {
    if (e.severity === "none") continue;
    const detail = e.status === "ok" ? (e.detail ?? e.rule) : `${e.rule} ${e.status === "timeout" ? "missed its time budget" : "failed"}; its configured severity was used`;
    reasons.push({ rule: e.rule, severity: e.severity, detail });
  }
  return {
    decision: decide(ruleset.policy, severities),
    score: score(severities),
    reasons,
    matrix: executions.map(({ rule, severity, ms, status }) => ({ rule, severity, ms, status })),
  };
}

/**
 * A synchronous rule is judged at once (no promise, no timer); one that returns a promise races its
 * budget. Without `enforceBudgets` (a backtest judges decisions, not timing) nothing times out.
 */
function execute(rule: ConfiguredRule, ctx: RuleContext, enforceBudgets: boolean): RuleExecution | Promise<RuleExecution> {
  const id = rule.definition.id;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  const settle = (outcome: RuleOutcome | "timeout"): RuleExecution => {
    const ms = elapsed();
    if (outcome === "timeout" || (enforceBudgets && ms > rule.budgetMs)) return { rule: id, severity: rule.onTimeout, ms, status: "timeout" };
    const execution: RuleExecution = { rule: id, severity: outcome.severity, ms, status: "ok" };
    if (outcome.detail !== undefined) execution.detail = outcome.detail;
    return execution;
  };
  const failed = (): RuleExecution => ({ rule: id, severity: rule.onTimeout, ms: elapsed(), status: "error" });
  let pending: RuleOutcome | Promise<RuleOutcome>;
  try {
    pending = rule.definition.evaluate(ctx, rule.params);
  } catch {
    return failed();
  }
  if (!(pending instanceof Promise)) return settle(pending);
  if (!enforceBudgets) return pending.then(settle, failed);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, rule.budgetMs, "timeout")));
  return Promise.race([pending, timeout]).then(settle, failed).finally(() => clearTimeout(timer));
}
