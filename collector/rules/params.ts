import { z } from "zod";
import { parseDurationMs } from "../duration.js";
import { IDENTIFIER_KINDS } from "../identity/normalise.js";
import { SEVERITIES, type Severity } from "./types.js";

export const severity = z.enum(SEVERITIES);
export const activeSeverity = z.enum(["low", "medium", "high"]);

/** A window written as a duration (`90s`, `15m`, `24h`, `30d`), carried as milliseconds. */
export const window = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `not a duration: expected a positive number and a unit (ms, s, m, h, d, w), e.g. "24h"` });
    return z.NEVER;
  }
  return ms;
});

export type Thresholds = Partial<Record<Exclude<Severity, "none">, number>>;

type Level = { name: string; value: number };

/**
 * A value per severity (low, medium, high; at least one). Each given level must be past the one below
 * it in `direction` (`rising`: a higher count is more severe; `falling`: a faster time is), or the
 * lower level could never fire. `explain` words the refusal.
 */
export function severityLevels(value: z.ZodNumber, direction: "rising" | "falling", explain: (upper: Level, lower: Level) => string) {
  return z.strictObject({ low: value.optional(), medium: value.optional(), high: value.optional() }).superRefine((levels, ctx) => {
    const given = (["low", "medium", "high"] as const).filter((level) => levels[level] !== undefined);
    if (given.length === 0) ctx.addIssue({ code: "custom", message: "at least one of low, medium, high" });
    for (let i = 1; i < given.length; i++) {
      const lower = given[i - 1]!;
      const upper = given[i]!;
      const isOrdered = direction === "rising" ? levels[upper]! > levels[lower]! : levels[upper]! < levels[lower]!;
      if (!isOrdered) {
        ctx.addIssue({ code: "custom", path: [upper], message: explain({ name: upper, value: levels[upper]! }, { name: lower, value: levels[lower]! }) });
      }
    }
  });
}

export const mustRise = (upper: Level, lower: Level) =>
  `${upper.name} (${upper.value}) must be above ${lower.name} (${lower.value}), or ${lower.name} can never fire`;

/** Count thresholds per severity. */
export const thresholds = severityLevels(z.int().min(1), "rising", mustRise);

export const identifierKind = z.enum(IDENTIFIER_KINDS);

/** The highest severity whose threshold `count` reaches. */
export function severityForCount(count: number, levels: Thresholds): Severity {
  if (levels.high !== undefined && count >= levels.high) return "high";
  if (levels.medium !== undefined && count >= levels.medium) return "medium";
  if (levels.low !== undefined && count >= levels.low) return "low";
  return "none";
}

const WINDOW_UNITS = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const;

export function describeWindow(ms: number): string {
  for (const [unit, size] of WINDOW_UNITS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** "1 attempt", "3 attempts": detail texts are read by fraud analysts. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
