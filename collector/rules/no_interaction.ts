import { z } from "zod";
import { severity } from "./params.js";
import { SEVERITIES, type RuleDefinition, type Severity } from "./types.js";

const params = z.strictObject({
  /** Text went into the checkout fields with no key press and no pointer or Tab focus in any of them. */
  scriptedFill: severity.default("medium"),
  /** The form was filled or submitted with no trusted key or pointer press anywhere on the page. */
  noInput: severity.default("high"),
});
type Params = z.output<typeof params>;

/**
 * The checkout was completed without the trusted pointer and keyboard events a person makes: text
 * inserted into fields nobody typed in or clicked into (a script's fill), or a submit with no key or
 * pointer press on the page at all. Autofill and pasting need a click or a key, so they do not count.
 */
export const no_interaction: RuleDefinition<Params> = {
  id: "no_interaction",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const { fields = [], page } = ctx.signals ?? {};
    const found: { severity: Severity; text: string }[] = [];
    let inserted = 0;
    let touched = 0;
    let filled = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      inserted += f.injected + f.untrusted;
      touched += f.keys + f.tabFocuses + f.pointerFocuses;
      filled += f.typed + f.pasted + f.autofilled + f.injected + f.untrusted;
    }
    if (inserted > 0 && touched === 0) {
      found.push({ severity: p.scriptedFill, text: `text was inserted ${inserted} times into fields that had no key press and were not clicked or tabbed into` });
    }
    if (page && page.keys + page.presses === 0 && (page.submits > 0 || filled > 0)) {
      found.push({ severity: p.noInput, text: `the form was ${page.submits > 0 ? "submitted" : "filled"} with no key or pointer press on the page` });
    }
    if (found.length === 0) return { severity: "none" };
    const counted = found.filter((f) => f.severity !== "none");
    if (counted.length === 0) return { severity: "none" };
    const worst = counted.reduce((a, b) => (SEVERITIES.indexOf(b.severity) > SEVERITIES.indexOf(a.severity) ? b : a));
    return { severity: worst.severity, detail: counted.map((f) => f.text).join("; ") };
  },
};
