import { z } from "zod";
import { severity } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({
  webdriver: severity.default("high"),
  headless: severity.default("high"),
});
type Params = z.output<typeof params>;

/** The browser says it is driven by automation, or is a headless build: checkouts are placed by people. */
export const automation: RuleDefinition<Params> = {
  id: "automation",
  params,
  evaluate(ctx, p) {
    const signals = ctx.signals;
    if (!signals) return { severity: "none" };
    const found: { severity: (typeof p)["webdriver"]; text: string }[] = [];
    if (signals.webdriver === true) found.push({ severity: p.webdriver, text: "navigator.webdriver is set" });
    if (signals.userAgent !== undefined && /HeadlessChrome|PhantomJS|Electron/i.test(signals.userAgent)) {
      found.push({ severity: p.headless, text: "the user agent is a headless browser" });
    }
    if (found.length === 0) return { severity: "none" };
    const order = ["none", "low", "medium", "high"];
    const worst = found.reduce((a, b) => (order.indexOf(b.severity) > order.indexOf(a.severity) ? b : a));
    return { severity: worst.severity, detail: found.map((f) => f.text).join("; ") };
  },
};
