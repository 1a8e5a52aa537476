import { z } from "zod";
import { activeSeverity } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({ severity: activeSeverity.default("high") });
type Params = z.output<typeof params>;

/** An identifier of this attempt was used in a confirmed fraud: fraudsters reuse their phones, addresses and devices. */
export const graylist: RuleDefinition<Params> = {
  id: "graylist",
  params,
  evaluate(ctx, p) {
    const hits = Object.entries(ctx.graylist);
    if (hits.length === 0) return { severity: "none" };
    const detail = hits.map(([kind, entry]) => `${kind} was used in confirmed fraud ${entry!.attemptId}`).join("; ");
    return { severity: p.severity, detail };
  },
};
