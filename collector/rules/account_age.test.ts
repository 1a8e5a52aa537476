import { describe, expect, it } from "vitest";
import type { Order } from "../assess/request.js";
import { describeIssues } from "../validation.js";
import { account_age } from "./account_age.js";
import type { RuleContext } from "./types.js";

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 3_600_000;

function context(order: Partial<Order>): RuleContext {
  return { nowMs: NOW, siteKey: "pk_test_demo", order: { id: "ord_1", ...order }, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined };
}

/** An order from an account created `ageMs` before now. */
function order(ageMs: number, amount = 49_900, currency = "SEK"): RuleContext {
  return context({ amount, currency, customer: { id: "c_1", createdAt: new Date(NOW - ageMs).toISOString() } });
}

const params = (raw: unknown) => account_age.params.parse(raw) as Parameters<typeof account_age.evaluate>[1];
const DEFAULTS = params({
  largeBasket: { SEK: 500_000, EUR: 50_000 },
  bands: [
    { under: "10m", severity: "low" },
    { under: "10m", largeBasket: true, severity: "high" },
    { under: "24h", largeBasket: true, severity: "medium" },
  ],
});

const severityOf = async (ctx: RuleContext, p = DEFAULTS) => (await account_age.evaluate(ctx, p)).severity;

describe("account_age", () => {
  it("finds nothing without a creation time", async () => {
    expect(await account_age.evaluate(context({ amount: 9_999_999, currency: "SEK" }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await account_age.evaluate(context({ amount: 9_999_999, currency: "SEK", customer: { id: "c_1" } }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("fires the fresh-account band under its age and not at it", async () => {
    expect(await severityOf(order(9 * MINUTE + 59_999))).toBe("low");
    expect(await severityOf(order(10 * MINUTE))).toBe("none");
    expect(await severityOf(order(0))).toBe("low");
  });

  it("fires the large-basket bands at the large amount and not below it", async () => {
    expect(await severityOf(order(5 * MINUTE, 500_000))).toBe("high");
    expect(await severityOf(order(5 * MINUTE, 499_999))).toBe("low");
    expect(await severityOf(order(23 * HOUR, 500_000))).toBe("medium");
    expect(await severityOf(order(23 * HOUR, 499_999))).toBe("none");
    expect(await severityOf(order(24 * HOUR, 5_000_000))).toBe("none");
  });

  it("compares the basket in the order's currency and does not judge baskets in other currencies", async () => {
    expect(await severityOf(order(5 * MINUTE, 50_000, "EUR"))).toBe("high");
    expect(await severityOf(order(5 * MINUTE, 5_000_000, "USD"))).toBe("low");
    expect(await severityOf(context({ amount: 5_000_000, customer: { createdAt: new Date(NOW - HOUR).toISOString() } }))).toBe("none");
  });

  it("adds up the items when the order has no amount", async () => {
    const ctx = context({ currency: "SEK", customer: { createdAt: new Date(NOW - HOUR).toISOString() }, items: [{ quantity: 4, unitPrice: 129_900 }] });
    expect(await severityOf(ctx)).toBe("medium");
  });

  it("says how old the account is and why the basket counts as large", async () => {
    expect((await account_age.evaluate(order(4 * MINUTE, 1_299_000), DEFAULTS)).detail).toBe(
      "the customer account was created 4 minutes ago (under 10m) and the basket of 12,990.00 SEK is large (at least 5,000.00 SEK)",
    );
    expect((await account_age.evaluate(order(4 * MINUTE), DEFAULTS)).detail).toBe("the customer account was created 4 minutes ago (under 10m)");
    expect((await account_age.evaluate(order(3 * 86_400_000), DEFAULTS))).toEqual({ severity: "none" });
    expect((await account_age.evaluate(order(200), DEFAULTS)).detail).toBe("the customer account was created just now (under 10m)");
  });

  it("reports a creation time in the future, allowing for clock skew", async () => {
    expect(await account_age.evaluate(order(-2 * HOUR), DEFAULTS)).toEqual({
      severity: "low",
      detail: "the customer account's creation time 2026-11-20T14:00:00.000Z is 2 hours in the future",
    });
    expect(await severityOf(order(-4 * MINUTE))).toBe("low"); // within 5m of skew: treated as just created
    expect((await account_age.evaluate(order(-4 * MINUTE), DEFAULTS)).detail).toMatch(/created just now/);
    expect(await severityOf(order(-2 * HOUR), params({ bands: [{ under: "1h", severity: "low" }], future: "medium" }))).toBe("medium");
    expect(await severityOf(order(-2 * HOUR), params({ bands: [{ under: "1h", severity: "low" }], future: "none" }))).toBe("none");
  });

  it("takes the most severe band that applies", async () => {
    const p = params({ bands: [{ under: "1h", severity: "medium" }, { under: "30d", severity: "low" }] });
    expect(await severityOf(order(10 * MINUTE), p)).toBe("medium");
    expect(await severityOf(order(2 * HOUR), p)).toBe("low");
  });

  it("refuses bad params, naming the field", () => {
    const problems = (raw: unknown) => {
      const result = account_age.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.account_age");
    };
    expect(problems({ bands: [] })).toEqual([expect.stringMatching(/^rules\.account_age\.bands: at least one band/)]);
    expect(problems({ bands: [{ under: "ten minutes", severity: "low" }] })).toEqual([expect.stringMatching(/^rules\.account_age\.bands\[0\]\.under: not a duration/)]);
    expect(problems({ bands: [{ under: "10m", severity: "none" }] })).toEqual([expect.stringMatching(/^rules\.account_age\.bands\[0\]\.severity: /)]);
    expect(problems({ bands: [{ under: "10m", severity: "low" }, { under: "1h", largeBasket: true, severity: "high" }] })).toEqual([
      expect.stringMatching(/^rules\.account_age\.largeBasket: required: bands\[1\] applies to large baskets only/),
    ]);
    expect(problems({ bands: [{ under: "10m", severity: "low" }], largeBasket: { sek: 500_000 } })).toEqual([
      'rules.account_age.largeBasket.sek: "sek" is not an ISO 4217 currency code such as SEK (upper-case)',
    ]);
    expect(problems({ bands: [{ under: "10m", severity: "low" }], largeBasket: { SEK: 5000.5 } })).toEqual([
      expect.stringMatching(/^rules\.account_age\.largeBasket\.SEK: an integer amount in minor units/),
    ]);
  });
});
