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
    const counts = p.kinds.map((kind) => ({ kind, count: distinctWithin(ctx, "device", kind, p.window) }));
    const worst = Math.max(...counts.map((c) => c.count));
    const severity = severityForCount(worst, p.thresholds);
    const listed = counts.filter((c) => c.count > 1).map((c) => `${c.count} ${LABELS[c.kind]}`);
    const detail = listed.length > 0 ? `${listed.join(", ")} on this device in ${describeWindow(p.window)}` : "one identity on this device";
    return { severity, detail };
  },
};
