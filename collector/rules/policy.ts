import { z } from "zod";
import type { Severity } from "./types.js";

export type Decision = "allow" | "challenge" | "review" | "deny";

const level = z
  .strictObject({ high: z.int().min(1).optional(), medium: z.int().min(1).optional(), low: z.int().min(1).optional() })
  .refine((value) => value.high !== undefined || value.medium !== undefined || value.low !== undefined, "at least one of high, medium, low");

export const policySchema = z.strictObject({ deny: level.optional(), review: level.optional(), challenge: level.optional() });
export type Policy = z.output<typeof policySchema>;

const RANK: Record<Severity, number> = { none: 0, low: 1, medium: 2, high: 3 };
const DECISIONS_BY_WEIGHT = ["deny", "review", "challenge"] as const;

/**
 * First match from deny down, otherwise allow. A level matches when any of its counts is reached;
 * a count of `medium` counts rule outcomes of medium or higher (a high is at least a medium).
 */
export function decide(policy: Policy, severities: readonly Severity[]): Decision {
  const counts = { high: 0, medium: 0, low: 0 };
  for (const severity of severities) {
    const rank = RANK[severity];
    if (rank >= 1) counts.low += 1;
    if (rank >= 2) counts.medium += 1;
    if (rank >= 3) counts.high += 1;
  }
  for (const decision of DECISIONS_BY_WEIGHT) {
    const threshold = policy[decision];
    if (!threshold) continue;
    if ((threshold.high !== undefined && counts.high >= threshold.high) || (threshold.medium !== undefined && counts.medium >= threshold.medium) || (threshold.low !== undefined && counts.low >= threshold.low)) {
      return decision;
    }
  }
  return "allow";
}

const WEIGHT: Record<Severity, number> = { none: 0, low: 10, medium: 25, high: 50 };

/** 0..100: a quick ordering of risk for dashboards; the decision comes from the policy, not the score. */
export function score(severities: readonly Severity[]): number {
  return Math.min(100, severities.reduce((sum, s) => sum + WEIGHT[s], 0));
}
