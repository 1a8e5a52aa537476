import { describe, expect, it } from "vitest";
import { card_velocity } from "./card_velocity.js";
import { customer_velocity } from "./customer_velocity.js";
import { email_velocity } from "./email_velocity.js";
import { ip_net_velocity } from "./ip_net_velocity.js";
import { ip_velocity } from "./ip_velocity.js";
import { phone_velocity } from "./phone_velocity.js";
import type { RuleContext, RuleDefinition } from "./types.js";
import type { IdentifierKind } from "../identity/normalise.js";

const NOW = 1_800_000_000_000;
const RULES: [RuleDefinition<any>, IdentifierKind, RegExp][] = [
  [ip_velocity, "ip", /from this IP address in 1h$/],
  [ip_net_velocity, "ip_net", /from this network/],
  [email_velocity, "email", /from this e-mail address/],
  [phone_velocity, "phone", /from this phone number/],
  [card_velocity, "card", /from this card/],
  [customer_velocity, "customer", /from this customer account/],
];

function context(kind: IdentifierKind, earlierAgesMs: number[]): RuleContext {
  return {
    nowMs: NOW,
    siteKey: "pk",
    order: { id: "o" },
    ids: { [kind]: "h1" },
    history: { [kind]: earlierAgesMs.map((age, i) => ({ attemptId: `a${i}`, siteKey: "pk", tsMs: NOW - age, ids: { [kind]: "h1" } })) },
    graylist: {},
    tokenStatus: "valid",
    signals: undefined,
  } as RuleContext;
}

describe.each(RULES)("%s", (rule, kind, detail) => {
  const params = rule.params.parse({ window: "1h", thresholds: { low: 2, medium: 3, high: 5 } });

  it("counts this attempt and the earlier ones within the window, at each threshold", async () => {
    expect((await rule.evaluate(context(kind, []), params)).severity).toBe("none");
    expect((await rule.evaluate(context(kind, [1000]), params)).severity).toBe("low");
    expect((await rule.evaluate(context(kind, [1000, 2000]), params)).severity).toBe("medium");
    expect((await rule.evaluate(context(kind, [1000, 2000, 3000]), params)).severity).toBe("medium");
    const at = await rule.evaluate(context(kind, [1000, 2000, 3000, 4000]), params);
    expect(at.severity).toBe("high");
    expect(at.detail).toMatch(/^5 attempts /);
    expect(at.detail).toMatch(detail);
  });

  it("builds no detail below every threshold (a none is never shown)", async () => {
    expect(await rule.evaluate(context(kind, []), params)).toEqual({ severity: "none" });
  });

  it("leaves out attempts older than the window", async () => {
    expect((await rule.evaluate(context(kind, [3_600_001, 7_200_000]), params)).severity).toBe("none");
  });

  it("says nothing when the attempt has no such identifier", async () => {
    const ctx = context(kind, [1000, 2000, 3000, 4000]);
    ctx.ids = {};
    expect(await rule.evaluate(ctx, params)).toEqual({ severity: "none" });
  });
});
