import { z } from "zod";
import type { AutomationTrace } from "../../sdk/protocol.js";
import { severity } from "./params.js";
import { SEVERITIES, type RuleDefinition, type Severity } from "./types.js";

const params = z.strictObject({
  webdriver: severity.default("high"),
  headless: severity.default("high"),
  framework: severity.default("high"),
  noPlugins: severity.default("medium"),
  noLanguages: severity.default("medium"),
  uaPlatform: severity.default("medium"),
  uaHints: severity.default("medium"),
  windowSize: severity.default("medium"),
});
type Params = z.output<typeof params>;

/** What each trace the script reports means, for the analyst. */
const TRACE_TEXT: Record<AutomationTrace, string> = {
  framework: "an automation framework's globals are on the page",
  noPlugins: "desktop Chrome with no plugins although its PDF viewer is on",
  noLanguages: "the browser reports no languages",
  uaPlatform: "the user agent names another operating system than the platform",
  uaHints: "the user agent disagrees with the browser's client hints",
  windowSize: "the window or screen has no size",
};

/**
 * The browser says it is driven by automation, is a headless build, carries an automation framework's
 * globals, or describes an environment no real browser has: checkouts are placed by people.
 */
export const automation: RuleDefinition<Params> = {
  id: "automation",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const signals = ctx.signals;
    if (!signals) return { severity: "none" };
    const found: { severity: Severity; text: string }[] = [];
    if (signals.webdriver === true) found.push({ severity: p.webdriver, text: "navigator.webdriver is set" });
    if (signals.userAgent !== undefined && /HeadlessChrome|PhantomJS|Electron/i.test(signals.userAgent)) {
      found.push({ severity: p.headless, text: "the user agent is a headless browser" });
    }
    for (const trace of signals.automation?.traces ?? []) found.push({ severity: p[trace], text: TRACE_TEXT[trace] });
    if (found.length === 0) return { severity: "none" };
    const counted = found.filter((f) => f.severity !== "none");
    if (counted.length === 0) return { severity: "none" };
    const worst = counted.reduce((a, b) => (SEVERITIES.indexOf(b.severity) > SEVERITIES.indexOf(a.severity) ? b : a));
    return { severity: worst.severity, detail: counted.map((f) => f.text).join("; ") };
  },
};
