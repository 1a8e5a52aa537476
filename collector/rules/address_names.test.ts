import { describe, expect, it } from "vitest";
import { RULE_NOW, ruleContext, earlierAttempt } from "../../test/helpers/rule-context.js";
import { address_names } from "./address_names.js";
import type { RuleContext } from "./types.js";

const NOW = RULE_NOW;
const DAY = 86_400_000;

const context = ruleContext;

const earlier = earlierAttempt;

const params = (raw: unknown) => address_names.params.parse(raw) as Parameters<typeof address_names.evaluate>[1];
const DEFAULTS = params({ window: "30d", thresholds: { medium: 3, high: 4 } });
/** Fires at any count: a rule gives its detail (the count) only when it fires, as a none is never shown. */
const COUNTING = params({ window: "30d", thresholds: { low: 1 } });

/** Delivery to address ad_A now under `name`, and earlier under each of `names`. */
function address(name: string | undefined, names: (string | undefined)[], ageMs = DAY): RuleContext {
  return context({
    ids: { address: "ad_A", ...(name === undefined ? {} : { name }) },
    history: { address: names.map((n, i) => earlier(ageMs, { address: "ad_A", ...(n === undefined ? {} : { name: n }) }, i)) },
  });
}

describe("address_names", () => {
  it("finds nothing without a shipping address or without a name", async () => {
    const history = { name: [earlier(1000, { name: "nm_1", address: "ad_B" })], address: [earlier(1000, { name: "nm_1", address: "ad_A" })] };
    expect(await address_names.evaluate(context({ ids: { name: "nm_0" }, history }), DEFAULTS)).toEqual({ severity: "none" });
    expect(await address_names.evaluate(address(undefined, ["nm_1", "nm_2", "nm_3"]), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("finds nothing for one name sending to the address again and again", async () => {
    expect(await address_names.evaluate(address("nm_0", ["nm_0", "nm_0", "nm_0", "nm_0"]), DEFAULTS)).toEqual({ severity: "none" });
    expect(await address_names.evaluate(address("nm_0", ["nm_0", "nm_0", "nm_0", "nm_0"]), COUNTING)).toEqual({
      severity: "low",
      detail: expect.stringMatching(/^1 names? for this shipping address in 30d$/),
    });
  });

  it("counts the current name with the earlier ones, each level at its threshold", async () => {
    expect((await address_names.evaluate(address("nm_0", ["nm_1"]), DEFAULTS)).severity).toBe("none");
    expect(await address_names.evaluate(address("nm_0", ["nm_1", "nm_2"]), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "3 names for this shipping address in 30d",
    });
    expect(await address_names.evaluate(address("nm_0", ["nm_1", "nm_2", "nm_3"]), DEFAULTS)).toEqual({
      severity: "high",
      detail: "4 names for this shipping address in 30d",
    });
  });

  it("counts each name once and skips earlier attempts without a name", async () => {
    expect(await address_names.evaluate(address("nm_0", ["nm_1", "nm_1", "nm_0", undefined, undefined]), DEFAULTS)).toEqual({ severity: "none" });
    expect(await address_names.evaluate(address("nm_0", ["nm_1", "nm_1", "nm_0", undefined, undefined]), COUNTING)).toEqual({
      severity: "low",
      detail: "2 names for this shipping address in 30d",
    });
  });

  it("counts an attempt exactly at the window's start and not one a millisecond older", async () => {
    expect((await address_names.evaluate(address("nm_0", ["nm_1", "nm_2"], 30 * DAY), DEFAULTS)).severity).toBe("medium");
    expect(await address_names.evaluate(address("nm_0", ["nm_1", "nm_2"], 30 * DAY + 1), DEFAULTS)).toEqual({ severity: "none" });
    expect(await address_names.evaluate(address("nm_0", ["nm_1", "nm_2"], 30 * DAY + 1), COUNTING)).toEqual({
      severity: "low",
      detail: expect.stringMatching(/^1 names? for this shipping address in 30d$/),
    });
  });

  it("does not count names seen with this name at other addresses", async () => {
    const ctx = context({
      ids: { address: "ad_A", name: "nm_0" },
      history: { name: [earlier(1000, { name: "nm_0", address: "ad_B" })], address: [] },
    });
    expect((await address_names.evaluate(ctx, params({ window: "30d", thresholds: { low: 2 } }))).severity).toBe("none");
  });

  it("asks the engine for history as far back as its window", () => {
    expect(address_names.lookbackMs!(DEFAULTS)).toBe(30 * DAY);
  });
});
