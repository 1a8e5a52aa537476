import { describe, expect, it } from "vitest";
import type { EnvironmentSignals, FieldRole, FieldSignals, PageSignals } from "../../sdk/protocol.js";
import { ruleContext } from "../../test/helpers/rule-context.js";
import { no_interaction } from "./no_interaction.js";

const context = (signals: EnvironmentSignals | undefined) => ruleContext({ signals });

const params = (raw: unknown) => no_interaction.params.parse(raw) as Parameters<typeof no_interaction.evaluate>[1];
const DEFAULTS = params({});

function field(role: FieldRole, filled: Partial<FieldSignals>): FieldSignals {
  return { role, keys: 0, typed: 0, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, corrections: 0, focuses: 1, tabFocuses: 0, pointerFocuses: 0, focusMs: 50, ...filled };
}
function page(keys: number, presses: number, submits = 1): PageSignals {
  return { onPageMs: 9000, hides: 0, hiddenMs: 0, submits, keys, presses, untrusted: 0, referrer: "", ...(submits ? { submitMs: 8000 } : {}) };
}
const scripted = (["name", "email", "phone", "address"] as const).map((role) => field(role, { injected: 1 }));

describe("no_interaction", () => {
  it("finds nothing without behaviour signals (old sessions, a blocked script)", async () => {
    expect(await no_interaction.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
    expect(await no_interaction.evaluate(context({ webdriver: false }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("finds nothing for a person typing, tabbing or clicking into fields", async () => {
    const typedFields = [field("name", { keys: 9, typed: 9, pointerFocuses: 1 }), field("email", { keys: 20, typed: 20, tabFocuses: 1 })];
    expect(await no_interaction.evaluate(context({ fields: typedFields, page: page(29, 2) }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("does not count autofill after a click into a field as a scripted fill", async () => {
    const autofilled = [field("name", { autofilled: 1, pointerFocuses: 1 }), field("email", { autofilled: 1, focuses: 0 }), field("phone", { autofilled: 1, focuses: 0 })];
    expect(await no_interaction.evaluate(context({ fields: autofilled, page: page(0, 2) }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("gives text inserted into untouched fields medium", async () => {
    expect(await no_interaction.evaluate(context({ fields: scripted, page: page(0, 1) }), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "text was inserted 4 times into fields that had no key press and were not clicked or tabbed into",
    });
    const dispatched = [field("email", { untrusted: 2 })];
    expect((await no_interaction.evaluate(context({ fields: dispatched }), DEFAULTS)).severity).toBe("medium");
  });

  it("gives a submit with no key or pointer press on the page high", async () => {
    const outcome = await no_interaction.evaluate(context({ fields: scripted, page: page(0, 0) }), DEFAULTS);
    expect(outcome.severity).toBe("high");
    expect(outcome.detail).toContain("the form was submitted with no key or pointer press on the page");
    expect(outcome.detail).toContain("text was inserted 4 times");
    expect(await no_interaction.evaluate(context({ page: page(0, 0) }), DEFAULTS)).toEqual({
      severity: "high",
      detail: "the form was submitted with no key or pointer press on the page",
    });
  });

  it("finds nothing on a page that has not been filled or submitted yet", async () => {
    expect(await no_interaction.evaluate(context({ page: page(0, 0, 0), fields: [] }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("uses the configured severities, none switching a finding off", async () => {
    expect((await no_interaction.evaluate(context({ fields: scripted, page: page(0, 1) }), params({ scriptedFill: "high" }))).severity).toBe("high");
    expect(await no_interaction.evaluate(context({ fields: scripted, page: page(0, 0) }), params({ scriptedFill: "none", noInput: "none" }))).toEqual({ severity: "none" });
    expect(no_interaction.params.safeParse({ noInput: "critical" }).success).toBe(false);
  });
});
