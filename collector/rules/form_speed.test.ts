import { describe, expect, it } from "vitest";
import type { EnvironmentSignals, PageSignals } from "../../sdk/protocol.js";
import { ruleContext } from "../../test/helpers/rule-context.js";
import { form_speed } from "./form_speed.js";

const context = (signals: EnvironmentSignals | undefined) => ruleContext({ signals });

const params = (raw: unknown) => form_speed.params.parse(raw) as Parameters<typeof form_speed.evaluate>[1];
const DEFAULTS = params({});

const page = (submitMs?: number): PageSignals => ({
  onPageMs: (submitMs ?? 20_000) + 5,
  hides: 0,
  hiddenMs: 0,
  firstInputMs: 300,
  submits: submitMs === undefined ? 0 : 1,
  keys: 40,
  presses: 7,
  untrusted: 0,
  referrer: "",
  ...(submitMs === undefined ? {} : { submitMs }),
});
const evaluate = (submitMs: number | undefined, p = DEFAULTS) => form_speed.evaluate(context({ page: page(submitMs) }), p);

describe("form_speed", () => {
  it("finds nothing without page signals or before a submit", async () => {
    expect(await form_speed.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
    expect(await form_speed.evaluate(context({ webdriver: false }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await evaluate(undefined)).toEqual({ severity: "none" });
  });

  it("gives under 1.5 s high and under 2.5 s medium by default", async () => {
    expect(await evaluate(900)).toEqual({ severity: "high", detail: "the form was submitted 0.9 s after the page loaded (under 1.5 s)" });
    expect((await evaluate(1499)).severity).toBe("high");
    expect(await evaluate(1500)).toEqual({ severity: "medium", detail: "the form was submitted 1.5 s after the page loaded (under 2.5 s)" });
    expect((await evaluate(2499)).severity).toBe("medium");
  });

  it("finds nothing for a person's pace", async () => {
    expect(await evaluate(2500)).toEqual({ severity: "none" });
    expect(await evaluate(45_000)).toEqual({ severity: "none" });
  });

  it("uses the configured limits", async () => {
    const p = params({ fasterThanMs: { low: 10_000, high: 2000 } });
    expect((await evaluate(1999, p)).severity).toBe("high");
    expect((await evaluate(2500, p)).severity).toBe("low");
    expect((await evaluate(10_000, p)).severity).toBe("none");
  });

  it("refuses limits where a slower submit would be more severe, and empty limits", () => {
    const bad = form_speed.params.safeParse({ fasterThanMs: { medium: 1000, high: 2000 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain("high (2000 ms) must be below medium (1000 ms)");
    expect(form_speed.params.safeParse({ fasterThanMs: {} }).success).toBe(false);
    expect(form_speed.params.safeParse({ fasterThanMs: { high: -5 } }).success).toBe(false);
    expect(form_speed.params.safeParse({ fasterThanMs: { high: "1s" } }).success).toBe(false);
  });
});
