import { describe, expect, it } from "vitest";
import type { EnvironmentSignals, FieldRole, FieldSignals } from "../../sdk/protocol.js";
import { ruleContext } from "../../test/helpers/rule-context.js";
import { checkout_paste } from "./checkout_paste.js";

const context = (signals: EnvironmentSignals | undefined) => ruleContext({ signals });

const params = (raw: unknown) => checkout_paste.params.parse(raw) as Parameters<typeof checkout_paste.evaluate>[1];
const DEFAULTS = params({});

function field(role: FieldRole, filled: Partial<FieldSignals> = {}): FieldSignals {
  return { role, keys: 0, typed: 0, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, corrections: 0, focuses: 1, tabFocuses: 0, pointerFocuses: 1, focusMs: 900, ...filled };
}
const typed = (role: FieldRole) => field(role, { keys: 9, typed: 9 });
const pasted = (role: FieldRole) => field(role, { keys: 2, pasted: 1 });
const evaluate = (fields: FieldSignals[] | undefined, p = DEFAULTS) => checkout_paste.evaluate(context(fields ? { fields } : {}), p);

describe("checkout_paste", () => {
  it("finds nothing without signals or field signals (old sessions, a blocked script)", async () => {
    expect(await checkout_paste.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
    expect(await evaluate(undefined)).toEqual({ severity: "none" });
    expect(await evaluate([])).toEqual({ severity: "none" });
  });

  it("finds nothing for typed or autofilled fields", async () => {
    expect(await evaluate(["email", "phone", "name", "address"].map((r) => typed(r as FieldRole)))).toEqual({ severity: "none" });
    const autofilled = (["email", "phone", "name", "address", "address", "card"] as const).map((r) => field(r, { autofilled: 1 }));
    expect(await evaluate(autofilled)).toEqual({ severity: "none" });
  });

  it("gives one pasted identity field low", async () => {
    expect(await evaluate([pasted("email"), typed("phone"), typed("name")])).toEqual({ severity: "low", detail: "pasted into the e-mail field" });
    expect((await evaluate([typed("email"), pasted("address"), pasted("address")])).severity).toBe("low");
  });

  it("gives the e-mail and the phone pasted together medium", async () => {
    expect(await evaluate([pasted("email"), pasted("phone"), typed("name")])).toEqual({
      severity: "medium",
      detail: "pasted into the e-mail and phone fields (the e-mail and the phone together)",
    });
  });

  it("gives three or more pasted identity fields high", async () => {
    const outcome = await evaluate([pasted("name"), pasted("email"), typed("phone"), pasted("address")]);
    expect(outcome).toEqual({ severity: "high", detail: "pasted into the e-mail, name and address fields" });
  });

  it("ignores a pasted card number unless configured", async () => {
    expect(await evaluate([typed("email"), pasted("card")])).toEqual({ severity: "none" });
    expect(await evaluate([typed("email"), pasted("card")], params({ card: "low" }))).toEqual({ severity: "low", detail: "pasted into the card field" });
  });

  it("uses the configured severities and counts", async () => {
    const both = [pasted("email"), pasted("phone")];
    expect((await evaluate(both, params({ emailAndPhone: "high" }))).severity).toBe("high");
    expect((await evaluate(both, params({ emailAndPhone: "none", identityFields: { medium: 2 } }))).severity).toBe("medium");
    expect((await evaluate([pasted("email")], params({ identityFields: { medium: 2 } }))).severity).toBe("none");
  });

  it("refuses parameters of the wrong shape", () => {
    expect(checkout_paste.params.safeParse({ identityFields: { low: 3, high: 2 } }).success).toBe(false);
    expect(checkout_paste.params.safeParse({ emailAndPhone: "severe" }).success).toBe(false);
    expect(checkout_paste.params.safeParse({ phone: "low" }).success).toBe(false);
  });
});
