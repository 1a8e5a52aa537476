import { z } from "zod";
import type { IdentifierKind } from "../identity/normalise.js";
import { countWithin } from "./history.js";
import { counted, describeWindow, severityForCount, thresholds, window } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({ window, thresholds });
export type VelocityParams = z.output<typeof params>;

/** Attempts sharing one identifier within a window, this one included: repetition is what fraud looks like. */
export function velocityRule(id: string, kind: IdentifierKind, fromWhat: string): RuleDefinition<VelocityParams> {
  return {
    id,
    params,
    lookbackMs: (p) => p.window,
    reads: (p) => ({ [kind]: p.window }),
    evaluate(ctx, p) {
      if (ctx.ids[kind] === undefined) return { severity: "none" };
      const count = countWithin(ctx, kind, p.window) + 1;
      const severity = severityForCount(count, p.thresholds);
      // Most attempts stay below every threshold, and the detail of a `none` is never shown: it is only built for a hit.
      if (severity === "none") return { severity };
      return { severity, detail: `${counted(count, "attempt")} from ${fromWhat} in ${describeWindow(p.window)}` };
    },
  };
}
