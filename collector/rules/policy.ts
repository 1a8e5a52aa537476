import { z } from "zod";
import type { Severity } from "./types.js";

export type Decision = "allow" | "challenge" | "review" | "deny";

const level = z
  .strictObject({ high: z.int().min(1).optional(), medium: z.int().min(1).optional(), low: z.int().min(1).optional() })
  .refine((value) => value.high !== undefined || value.medium !== undefined || value.low !== undefined, "at least one of high, medium, low");

export const policySchema = z.strictObject({ deny: level.optional(), review: level.optional(), challenge: level.optional() });
export type Policy = z.output<typeof policySchema>;

const RANK: Record<Severity, number> = { none: 0, low: 1, medium: 2, high: 3 };

/**
 * First match from deny down, otherwise allow. A level matches when any of its counts is reached;
 * a count of `medium` counts rule outcomes of medium or higher (a high is at least a medium).
 */
export function decide(policy: Policy, severities: readonly Severity[]): Decision {
  const atLeast = (severity: Severity) => severities.filter((s) => RANK[s] >= RANK[severity]).length;
  const counts = { high: atLeast("high"), medium: atLeast("medium"), low: atLeast("low") };
  for (const decision of ["deny", "review", "challenge"] as const) {
    const threshold = policy[decision];
    if (!threshold) continue;
    if ((["high", "medium", "low"] as const).some((s) => threshold[s] !== undefined && counts[s] >= threshold[s]!)) return decision;
  }
  return "allow";
}

const WEIGHT: Record<Severity, number> = { none: 0, low: 10, medium: 25, high: 50 };

/** 0..100: a quick ordering of risk for dashboards; the decision comes from the policy, not the score. */
export function score(severities: readonly Severity[]): number {
  return Math.min(100, severities.reduce((sum, s) => sum + WEIGHT[s], 0));
}
