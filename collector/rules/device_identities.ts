import { z } from "zod";
import { distinctWithin } from "./history.js";
import { describeWindow, identifierKind, severityForCount, thresholds, window } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({
  window,
  thresholds,
  kinds: z.array(identifierKind.exclude(["device"])).min(1).default(["email", "name", "phone"]),
});
type Params = z.output<typeof params>;

const LABELS: Record<string, string> = { email: "e-mails", name: "names", phone: "phones", address: "addresses", customer: "customer ids", ip: "IPs" };

/** One device, many identities: the strongest sign of a fraudster cycling through stolen details. */
export const device_identities: RuleDefinition<Params> = {
  id: "device_identities",
  params,
  lookbackMs: (p) => p.window,
  reads: (p) => ({ device: p.window }),
  evaluate(ctx, p) {
    if (ctx.ids.device === undefined) return { severity: "none" };
    let worst = -Infinity;
    const listed: string[] = [];
    for (const kind of p.kinds) {
      const count = distinctWithin(ctx, "device", kind, p.window);
      if (count > worst) worst = count;
      if (count > 1) listed.push(`${count} ${LABELS[kind]}`);
    }
    const severity = severityForCount(worst, p.thresholds);
    const detail = listed.length > 0 ? `${listed.join(", ")} on this device in ${describeWindow(p.window)}` : "one identity on this device";
    return { severity, detail };
  },
};
