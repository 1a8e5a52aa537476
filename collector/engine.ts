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
export async function evaluate(ruleset: Ruleset, ctx: RuleContext): Promise<Evaluation> {
  const executions = await Promise.all(ruleset.rules.map((rule) => execute(rule, ctx)));
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

async function execute(rule: ConfiguredRule, ctx: RuleContext): Promise<RuleExecution> {
  const id = rule.definition.id;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = rule.definition.evaluate(ctx, rule.params);
    const outcome: RuleOutcome | "timeout" =
      pending instanceof Promise
        ? await Promise.race([pending, new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, rule.budgetMs, "timeout")))])
        : pending;
    const ms = elapsed();
    if (outcome === "timeout" || ms > rule.budgetMs) return { rule: id, severity: rule.onTimeout, ms, status: "timeout" };
    const execution: RuleExecution = { rule: id, severity: outcome.severity, ms, status: "ok" };
    if (outcome.detail !== undefined) execution.detail = outcome.detail;
    return execution;
  } catch {
    return { rule: id, severity: rule.onTimeout, ms: elapsed(), status: "error" };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
