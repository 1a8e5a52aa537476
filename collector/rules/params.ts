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

/** Count thresholds per severity. Each given level must be above the one below it, or the lower one could never fire. */
export const thresholds = z
  .strictObject({ low: z.int().min(1).optional(), medium: z.int().min(1).optional(), high: z.int().min(1).optional() })
  .superRefine((value, ctx) => {
    const levels = (["low", "medium", "high"] as const).filter((level) => value[level] !== undefined);
    if (levels.length === 0) ctx.addIssue({ code: "custom", message: "at least one of low, medium, high" });
    for (let i = 1; i < levels.length; i++) {
      const lower = levels[i - 1]!;
      const upper = levels[i]!;
      if (value[upper]! <= value[lower]!) {
        ctx.addIssue({
          code: "custom",
          path: [upper],
          message: `${upper} (${value[upper]}) must be above ${lower} (${value[lower]}), or ${lower} can never fire`,
        });
      }
    }
  });

export const identifierKind = z.enum(IDENTIFIER_KINDS);

/** The highest severity whose threshold `count` reaches. */
export function severityForCount(count: number, levels: Thresholds): Severity {
  if (levels.high !== undefined && count >= levels.high) return "high";
  if (levels.medium !== undefined && count >= levels.medium) return "medium";
  if (levels.low !== undefined && count >= levels.low) return "low";
  return "none";
}

export function describeWindow(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** "1 attempt", "3 attempts": detail texts are read by fraud analysts. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
