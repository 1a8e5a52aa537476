import { describe, expect, it } from "vitest";
import type { Order } from "../assess/request.js";
import { describeIssues } from "../validation.js";
import { quantity_anomaly } from "./quantity_anomaly.js";
import type { RuleContext } from "./types.js";

type Item = NonNullable<Order["items"]>[number];

function context(items: Item[] | undefined, currency: string | null = "SEK"): RuleContext {
  const order: Order = { id: "ord_1" };
  if (items !== undefined) order.items = items;
  if (currency !== null) order.currency = currency;
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined };
}

const iphones = (quantity: number): Item => ({ sku: "IP15", name: "iPhone 15", category: "electronics", quantity, unitPrice: 1_299_000 });
const tees = (quantity: number): Item => ({ sku: "TEE-BLK", name: "T-shirt, black", category: "clothing", quantity, unitPrice: 24_900 });

const params = (raw: unknown) => quantity_anomaly.params.parse(raw) as Parameters<typeof quantity_anomaly.evaluate>[1];
const DEFAULTS = params({ minUnitPrice: { SEK: 200_000, EUR: 20_000 }, thresholds: { low: 3, medium: 5, high: 10 } });
const severityOf = async (ctx: RuleContext, p = DEFAULTS) => (await quantity_anomaly.evaluate(ctx, p)).severity;

describe("quantity_anomaly", () => {
  it("fires each level at its number of units of one high-value item and not below", async () => {
    expect(await severityOf(context([iphones(2)]))).toBe("none");
    expect(await severityOf(context([iphones(3)]))).toBe("low");
    expect(await severityOf(context([iphones(4)]))).toBe("low");
    expect(await severityOf(context([iphones(5)]))).toBe("medium");
    expect(await severityOf(context([iphones(9)]))).toBe("medium");
    expect(await severityOf(context([iphones(10)]))).toBe("high");
    expect(await severityOf(context([iphones(20)]))).toBe("high");
  });

  it("ignores cheap items however many, and counts from the high-value price on", async () => {
    expect(await quantity_anomaly.evaluate(context([tees(50)]), DEFAULTS)).toEqual({ severity: "none" });
    expect(await severityOf(context([{ sku: "X", quantity: 10, unitPrice: 199_999 }]))).toBe("none");
    expect(await severityOf(context([{ sku: "X", quantity: 10, unitPrice: 200_000 }]))).toBe("high");
  });

  it("adds up one item split over several lines, but not different items", async () => {
    expect(await severityOf(context([iphones(3), tees(1), iphones(3)]))).toBe("medium");
    const laptops: Item = { sku: "LAPTOP-14", name: "Laptop 14\"", quantity: 4, unitPrice: 1_149_000 };
    expect(await severityOf(context([iphones(4), laptops]))).toBe("low");
  });

  it("judges only currencies it has a price for, and items with a price", async () => {
    expect(await quantity_anomaly.evaluate(context([iphones(20)], "NOK"), DEFAULTS)).toEqual({ severity: "none" });
    expect(await quantity_anomaly.evaluate(context([iphones(20)], null), DEFAULTS)).toEqual({ severity: "none" });
    expect(await quantity_anomaly.evaluate(context([{ sku: "IP15", quantity: 20 }]), DEFAULTS)).toEqual({ severity: "none" });
    expect(await quantity_anomaly.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
    expect(await severityOf(context([{ sku: "IP15", quantity: 10, unitPrice: 129_900 }], "EUR"))).toBe("high");
  });

  it("names the item, its units and its price", async () => {
    expect(await quantity_anomaly.evaluate(context([tees(2), iphones(20)]), DEFAULTS)).toEqual({
      severity: "high",
      detail: "20 × iPhone 15 (IP15) at 12,990.00 SEK a unit (high-value from 2,000.00 SEK)",
    });
    expect((await quantity_anomaly.evaluate(context([{ quantity: 12, unitPrice: 500_000 }]), DEFAULTS)).detail).toBe(
      "12 × item 1 at 5,000.00 SEK a unit (high-value from 2,000.00 SEK)",
    );
  });

  it("refuses bad params, naming the field", () => {
    const problems = (raw: unknown) => {
      const result = quantity_anomaly.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.quantity_anomaly");
    };
    expect(problems({ thresholds: { high: 10 } })).toEqual([expect.stringMatching(/^rules\.quantity_anomaly\.minUnitPrice: /)]);
    expect(problems({ minUnitPrice: { "SEK ": 200_000 }, thresholds: { high: 10 } })).toEqual([
      'rules.quantity_anomaly.minUnitPrice.SEK : "SEK " is not an ISO 4217 currency code such as SEK (upper-case)',
    ]);
    expect(problems({ minUnitPrice: { SEK: "2000 kr" }, thresholds: { high: 10 } })).toEqual([expect.stringMatching(/^rules\.quantity_anomaly\.minUnitPrice\.SEK: /)]);
    expect(problems({ minUnitPrice: { SEK: 200_000 }, thresholds: { medium: 10, high: 5 } })).toEqual([
      "rules.quantity_anomaly.thresholds.high: high (5) must be above medium (10), or medium can never fire",
    ]);
  });
});
