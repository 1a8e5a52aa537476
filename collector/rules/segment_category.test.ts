import { describe, expect, it } from "vitest";
import type { Order } from "../assess/request.js";
import { describeIssues } from "../validation.js";
import { segment_category } from "./segment_category.js";
import type { RuleContext } from "./types.js";

type Item = NonNullable<Order["items"]>[number];

function context(segment: string | undefined, items: Item[]): RuleContext {
  const order: Order = { id: "ord_1", currency: "SEK", items, customer: segment === undefined ? { id: "c_1" } : { id: "c_1", segment } };
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined };
}

const item = (category: string | undefined, quantity: number): Item => (category === undefined ? { quantity } : { category, quantity });

const params = (raw: unknown) => segment_category.params.parse(raw) as Parameters<typeof segment_category.evaluate>[1];
const DEFAULTS = params({
  segments: { Restaurant: ["food", "Kitchen", "cleaning", "furniture"], office: ["office_supplies", "electronics", "furniture"] },
  thresholds: { low: 1, medium: 5, high: 20 },
});
const severityOf = async (ctx: RuleContext, p = DEFAULTS) => (await segment_category.evaluate(ctx, p)).severity;

describe("segment_category", () => {
  it("fires each level at its number of out-of-segment units and not below", async () => {
    expect(await severityOf(context("restaurant", [item("food", 40)]))).toBe("none");
    expect(await severityOf(context("restaurant", [item("food", 40), item("electronics", 1)]))).toBe("low");
    expect(await severityOf(context("restaurant", [item("electronics", 4)]))).toBe("low");
    expect(await severityOf(context("restaurant", [item("electronics", 5)]))).toBe("medium");
    expect(await severityOf(context("restaurant", [item("electronics", 19)]))).toBe("medium");
    expect(await severityOf(context("restaurant", [item("electronics", 20)]))).toBe("high");
  });

  it("adds up the units of every unusual category", async () => {
    expect(await severityOf(context("restaurant", [item("electronics", 10), item("gift_card", 10), item("food", 100)]))).toBe("high");
  });

  it("compares segments and categories without case or separator spelling", async () => {
    expect(await severityOf(context("  RESTAURANT ", [item("KITCHEN", 30), item("Food", 3)]))).toBe("none");
    expect(await severityOf(context("Office", [item("Office Supplies", 30), item("office-supplies", 3)]))).toBe("none");
    expect(await severityOf(context("office", [item("food", 5)]))).toBe("medium");
  });

  it("finds nothing without a segment, for a segment not in the table, or for items without a category", async () => {
    expect(await segment_category.evaluate(context(undefined, [item("electronics", 50)]), DEFAULTS)).toEqual({ severity: "none" });
    expect(await segment_category.evaluate(context("hair salon", [item("electronics", 50)]), DEFAULTS)).toEqual({ severity: "none" });
    expect(await severityOf(context("restaurant", [item(undefined, 50), item("  ", 50)]))).toBe("none");
  });

  it("says how many units of which categories do not fit the segment", async () => {
    expect(await segment_category.evaluate(context("Restaurant", [item("electronics", 20), item("Gift_Card", 2), item("food", 9)]), DEFAULTS)).toEqual({
      severity: "high",
      detail: 'a basket with 22 units in categories unusual for the segment "restaurant": electronics (20), gift card (2)',
    });
    expect((await segment_category.evaluate(context("restaurant", [item("electronics", 1)]), DEFAULTS)).detail).toBe(
      'a basket with 1 unit in categories unusual for the segment "restaurant": electronics (1)',
    );
  });

  it("refuses bad params, naming the field", () => {
    const problems = (raw: unknown) => {
      const result = segment_category.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.segment_category");
    };
    const thresholds = { low: 1 };
    expect(problems({ segments: {}, thresholds })).toEqual([expect.stringMatching(/^rules\.segment_category\.segments: at least one segment/)]);
    expect(problems({ segments: { restaurant: [] }, thresholds })).toEqual(["rules.segment_category.segments.restaurant: at least one category"]);
    expect(problems({ segments: { restaurant: ["food", ""] }, thresholds })).toEqual(["rules.segment_category.segments.restaurant[1]: an empty name"]);
    expect(problems({ segments: { restaurant: "food" }, thresholds })).toEqual([expect.stringMatching(/^rules\.segment_category\.segments\.restaurant: /)]);
    expect(problems({ segments: { restaurant: ["food"], Restaurant: ["kitchen"] }, thresholds })).toEqual([
      'rules.segment_category.segments.Restaurant: the same segment as "restaurant" (segments are compared without case)',
    ]);
    expect(problems({ segments: { restaurant: ["food"] } })).toEqual([expect.stringMatching(/^rules\.segment_category\.thresholds: /)]);
  });
});
