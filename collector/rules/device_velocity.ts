import { z } from "zod";
import { earlierWithin } from "./history.js";
import { counted, describeWindow, severityForCount, thresholds, window } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({ window, thresholds });
type Params = z.output<typeof params>;

/** Attempts from one device in a short window: card testing and account farming repeat fast. */
export const device_velocity: RuleDefinition<Params> = {
  id: "device_velocity",
  params,
  lookbackMs: (p) => p.window,
  evaluate(ctx, p) {
    if (ctx.ids.device === undefined) return { severity: "none" };
    const count = earlierWithin(ctx, "device", p.window).length + 1;
    const severity = severityForCount(count, p.thresholds);
    return { severity, detail: `${counted(count, "attempt")} from this device in ${describeWindow(p.window)}` };
  },
};
