import { describe, expect, it } from "vitest";
import type { EnvironmentSignals } from "../../sdk/protocol.js";
import { automation } from "./automation.js";
import type { RuleContext } from "./types.js";

function context(signals: EnvironmentSignals | undefined): RuleContext {
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order: { id: "ord_1" }, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals };
}

const params = (raw: unknown) => automation.params.parse(raw) as Parameters<typeof automation.evaluate>[1];
const DEFAULTS = params({});

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";

describe("automation", () => {
  it("finds nothing without signals (no usable token)", async () => {
    expect(await automation.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("finds nothing for an ordinary browser", async () => {
    expect(await automation.evaluate(context({ webdriver: false, userAgent: CHROME }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await automation.evaluate(context({}), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("reports navigator.webdriver as high by default", async () => {
    expect(await automation.evaluate(context({ webdriver: true, userAgent: CHROME }), DEFAULTS)).toEqual({
      severity: "high",
      detail: "navigator.webdriver is set",
    });
  });

  it.each([HEADLESS, "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/534.34 (KHTML, like Gecko) PhantomJS/1.9.8 Safari/534.34", "Mozilla/5.0 Chrome/120.0 Electron/28.1.0 Safari/537.36"])(
    "reports the headless user agent %s as high by default",
    async (userAgent) => {
      expect(await automation.evaluate(context({ userAgent }), DEFAULTS)).toEqual({ severity: "high", detail: "the user agent is a headless browser" });
    },
  );

  it("names both findings and takes the worse configured severity", async () => {
    const both = context({ webdriver: true, userAgent: HEADLESS });
    const outcome = await automation.evaluate(both, params({ webdriver: "low", headless: "medium" }));
    expect(outcome.severity).toBe("medium");
    expect(outcome.detail).toContain("navigator.webdriver is set");
    expect(outcome.detail).toContain("the user agent is a headless browser");
    expect((await automation.evaluate(both, params({ webdriver: "high", headless: "low" }))).severity).toBe("high");
  });

  it("uses the configured severity for each signal", async () => {
    expect((await automation.evaluate(context({ webdriver: true }), params({ webdriver: "medium" }))).severity).toBe("medium");
    expect((await automation.evaluate(context({ userAgent: HEADLESS }), params({ headless: "low" }))).severity).toBe("low");
  });
});

describe("automation: traces the script found", () => {
  it("gives each trace its configured severity, medium by default and high for a framework", async () => {
    expect(await automation.evaluate(context({ automation: { traces: ["noPlugins"] } }), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "desktop Chrome with no plugins although its PDF viewer is on",
    });
    for (const trace of ["noLanguages", "uaPlatform", "uaHints", "windowSize"] as const) {
      expect((await automation.evaluate(context({ automation: { traces: [trace] } }), DEFAULTS)).severity).toBe("medium");
    }
    expect((await automation.evaluate(context({ automation: { traces: ["framework"] } }), DEFAULTS)).severity).toBe("high");
  });

  it("finds nothing for no traces, and ignores a trace switched off with none", async () => {
    expect(await automation.evaluate(context({ webdriver: false, userAgent: CHROME, automation: { traces: [] } }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await automation.evaluate(context({ automation: { traces: ["uaHints"] } }), params({ uaHints: "none" }))).toEqual({ severity: "none" });
    const outcome = await automation.evaluate(context({ automation: { traces: ["uaHints", "noLanguages"] } }), params({ uaHints: "none", noLanguages: "low" }));
    expect(outcome).toEqual({ severity: "low", detail: "the browser reports no languages" });
  });

  it("lists every finding and takes the worst", async () => {
    const outcome = await automation.evaluate(context({ webdriver: true, automation: { traces: ["framework", "windowSize"] } }), params({ webdriver: "low" }));
    expect(outcome.severity).toBe("high");
    expect(outcome.detail).toBe("navigator.webdriver is set; an automation framework's globals are on the page; the window or screen has no size");
  });

  it("refuses an unknown trace parameter and a bad severity", () => {
    expect(automation.params.safeParse({ noPlugin: "low" }).success).toBe(false);
    expect(automation.params.safeParse({ framework: "severe" }).success).toBe(false);
  });
});
