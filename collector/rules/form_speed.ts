import { z } from "zod";
import { severityLevels } from "./params.js";
import type { RuleDefinition, Severity } from "./types.js";

const limitMs = z.int().min(1).max(3_600_000);

/** Submits faster than these many milliseconds after the page loaded get that severity; a faster limit must be a higher severity. */
const fasterThanMs = severityLevels(limitMs, "falling", (upper, lower) =>
  `${upper.name} (${upper.value} ms) must be below ${lower.name} (${lower.value} ms): a faster submit is the more severe one`,
);

const params = z.strictObject({ fasterThanMs: fasterThanMs.default({ medium: 2500, high: 1500 }) });
type Params = z.output<typeof params>;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The checkout form was submitted implausibly soon after the page loaded. Reading a checkout and
 * entering an address takes a person several seconds; even picking a saved address from autofill
 * and paying at once takes two and a half. A script needs a fraction of a second.
 */
export const form_speed: RuleDefinition<Params> = {
  id: "form_speed",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const submitMs = ctx.signals?.page?.submitMs;
    if (submitMs === undefined) return { severity: "none" };
    for (const level of ["high", "medium", "low"] as const satisfies readonly Severity[]) {
      const limit = p.fasterThanMs[level];
      if (limit !== undefined && submitMs < limit) {
        return { severity: level, detail: `the form was submitted ${seconds(submitMs)} after the page loaded (under ${seconds(limit)})` };
      }
    }
    return { severity: "none" };
  },
};
