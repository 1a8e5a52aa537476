import { z } from "zod";
import { distinctWithin } from "./history.js";
import { counted, describeWindow, severityForCount, thresholds, window } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({ window, thresholds });
type Params = z.output<typeof params>;

/** Many orderer names for one delivery address: a drop address collecting goods bought with other people's cards. */
export const address_names: RuleDefinition<Params> = {
  id: "address_names",
  params,
  lookbackMs: (p) => p.window,
  evaluate(ctx, p) {
    if (ctx.ids.address === undefined || ctx.ids.name === undefined) return { severity: "none" };
    const count = distinctWithin(ctx, "address", "name", p.window);
    return { severity: severityForCount(count, p.thresholds), detail: `${counted(count, "name")} for this shipping address in ${describeWindow(p.window)}` };
  },
};
