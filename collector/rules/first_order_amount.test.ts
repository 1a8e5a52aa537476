import { describe, expect, it } from "vitest";
import type { Order } from "../assess/request.js";
import type { HistoryEntry, IdentifierHashes } from "../store/types.js";
import { describeIssues } from "../validation.js";
import { first_order_amount } from "./first_order_amount.js";
import type { RuleContext } from "./types.js";

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const HOUR = 3_600_000;
const IDS: IdentifierHashes = { customer: "cu_A", email: "em_A" };

function context(order: Partial<Order>, overrides: Partial<RuleContext> = {}): RuleContext {
  return { nowMs: NOW, siteKey: "pk_test_demo", order: { id: "ord_1", ...order }, ids: IDS, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined, ...overrides };
}

function earlier(ageMs: number, ids: IdentifierHashes, siteKey = "pk_test_demo"): HistoryEntry {
  return { attemptId: `att_${ageMs}`, siteKey, tsMs: NOW - ageMs, ids };
}

const params = (raw: unknown) => first_order_amount.params.parse(raw) as Parameters<typeof first_order_amount.evaluate>[1];
const DEFAULTS = params({ typicalFirstOrder: { SEK: 150_000, EUR: 15_000, USD: 15_000 }, multipliers: { low: 5, medium: 10, high: 25 } });

const first = (amount: number, currency = "SEK") => context({ amount, currency });
const severityOf = async (ctx: RuleContext, p = DEFAULTS) => (await first_order_amount.evaluate(ctx, p)).severity;

describe("first_order_amount", () => {
  it("fires each level at its multiple of the typical first order and not below", async () => {
    expect(await severityOf(first(749_999))).toBe("none");
    expect(await severityOf(first(750_000))).toBe("low");
    expect(await severityOf(first(1_499_999))).toBe("low");
    expect(await severityOf(first(1_500_000))).toBe("medium");
    expect(await severityOf(first(3_749_999))).toBe("medium");
    expect(await severityOf(first(3_750_000))).toBe("high");
  });

  it("uses the typical amount of the order's currency", async () => {
    expect(await severityOf(first(150_000, "EUR"))).toBe("medium");
    expect(await severityOf(first(150_000, "SEK"))).toBe("none");
  });

  it("does not judge a currency it has no typical amount for, or an order without an amount", async () => {
    expect(await first_order_amount.evaluate(first(99_999_999, "NOK"), DEFAULTS)).toEqual({ severity: "none" });
    expect(await first_order_amount.evaluate(context({ amount: 99_999_999 }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await first_order_amount.evaluate(context({ currency: "SEK", items: [{ quantity: 1 }] }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("adds up the items when the order has no amount", async () => {
    expect(await severityOf(context({ currency: "SEK", items: [{ quantity: 3, unitPrice: 1_299_000 }] }))).toBe("high");
  });

  it("finds nothing for a customer with an earlier attempt on the customer id or the e-mail", async () => {
    expect(await severityOf(first(5_000_000))).toBe("high");
    const byCustomer = context({ amount: 5_000_000, currency: "SEK" }, { history: { customer: [earlier(30 * 86_400_000, IDS)] } });
    const byEmail = context({ amount: 5_000_000, currency: "SEK" }, { history: { email: [earlier(2 * HOUR, { email: "em_A" })] } });
    expect(await first_order_amount.evaluate(byCustomer, DEFAULTS)).toEqual({ severity: "none" });
    expect(await first_order_amount.evaluate(byEmail, DEFAULTS)).toEqual({ severity: "none" });
  });

  it("counts only this site's attempts as the customer's history", async () => {
    const elsewhere = context({ amount: 5_000_000, currency: "SEK" }, { history: { email: [earlier(2 * HOUR, { email: "em_A" }, "pk_other_shop")] } });
    expect(await severityOf(elsewhere)).toBe("high");
  });

  it("with knownAfter, still calls a quick retry a first order", async () => {
    const p = params({ typicalFirstOrder: { SEK: 150_000 }, multipliers: { medium: 10 }, knownAfter: "24h" });
    const retry = context({ amount: 1_500_000, currency: "SEK" }, { history: { customer: [earlier(10 * 60_000, IDS)] } });
    const known = context({ amount: 1_500_000, currency: "SEK" }, { history: { customer: [earlier(24 * HOUR, IDS)] } });
    expect(await severityOf(retry, p)).toBe("medium");
    expect(await severityOf(known, p)).toBe("none");
    expect((await first_order_amount.evaluate(retry, p)).detail).toBe(
      "a first order (no attempt with this customer id or e-mail older than 1d) of 15,000.00 SEK: 10× the typical first order of 1,500.00 SEK",
    );
  });

  it("cannot tell a first order without a customer id or an e-mail", async () => {
    expect(await first_order_amount.evaluate(context({ amount: 5_000_000, currency: "SEK" }, { ids: { device: "dev_A" } }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await severityOf(context({ amount: 5_000_000, currency: "SEK" }, { ids: { email: "em_A" } }))).toBe("high");
  });

  it("says the amount, the multiple and the typical first order", async () => {
    expect((await first_order_amount.evaluate(first(1_299_000), DEFAULTS)).detail).toBe(
      "a first order (no earlier attempt with this customer id or e-mail) of 12,990.00 SEK: 8.6× the typical first order of 1,500.00 SEK",
    );
    expect((await first_order_amount.evaluate(first(749_999), DEFAULTS)).detail).toMatch(/: 4\.9× the typical/);
  });

  it("refuses bad params, naming the field", () => {
    const problems = (raw: unknown) => {
      const result = first_order_amount.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.first_order_amount");
    };
    expect(problems({ multipliers: { medium: 5 } })).toEqual([expect.stringMatching(/^rules\.first_order_amount\.typicalFirstOrder: /)]);
    expect(problems({ typicalFirstOrder: {}, multipliers: { medium: 5 } })).toEqual([expect.stringMatching(/^rules\.first_order_amount\.typicalFirstOrder: at least one currency/)]);
    expect(problems({ typicalFirstOrder: { Sek: 150_000 }, multipliers: { medium: 5 } })).toEqual([
      'rules.first_order_amount.typicalFirstOrder.Sek: "Sek" is not an ISO 4217 currency code such as SEK (upper-case)',
    ]);
    expect(problems({ typicalFirstOrder: { SEK: 0 }, multipliers: { medium: 5 } })).toEqual([expect.stringMatching(/^rules\.first_order_amount\.typicalFirstOrder\.SEK: at least 1/)]);
    expect(problems({ typicalFirstOrder: { SEK: 150_000 }, multipliers: { medium: 10, high: 5 } })).toEqual([
      "rules.first_order_amount.multipliers.high: high (5) must be above medium (10), or medium can never fire",
    ]);
    expect(problems({ typicalFirstOrder: { SEK: 150_000 }, multipliers: { medium: 0.5 } })).toEqual([expect.stringMatching(/^rules\.first_order_amount\.multipliers\.medium: at least 1/)]);
    expect(problems({ typicalFirstOrder: { SEK: 150_000 }, multipliers: {} })).toEqual(["rules.first_order_amount.multipliers: at least one of low, medium, high"]);
    expect(problems({ typicalFirstOrder: { SEK: 150_000 }, multipliers: { medium: 5 }, knownAfter: "soon" })).toEqual([expect.stringMatching(/^rules\.first_order_amount\.knownAfter: not a duration/)]);
  });
});
