import { describe, expect, it } from "vitest";
import { RULE_NOW, ruleContext, earlierAttempt } from "../../test/helpers/rule-context.js";
import { device_velocity } from "./device_velocity.js";
import type { RuleContext } from "./types.js";

const NOW = RULE_NOW;
const HOUR = 3_600_000;

const context = ruleContext;

const earlier = earlierAttempt;

const params = (raw: unknown) => device_velocity.params.parse(raw) as Parameters<typeof device_velocity.evaluate>[1];
const DEFAULTS = params({ window: "1h", thresholds: { medium: 5, high: 10 } });

/** A context for this device with `count` earlier attempts from it, `ageMs` ago each. */
function withEarlier(count: number, ageMs = 60_000): RuleContext {
  const ids = { device: "dev_A" };
  return context({ ids, history: { device: Array.from({ length: count }, (_, i) => earlier(ageMs, ids, i)) } });
}

describe("device_velocity", () => {
  it("finds nothing without a device id, whatever else repeats", async () => {
    const ctx = context({ ids: { email: "em_A" }, history: { email: Array.from({ length: 20 }, (_, i) => earlier(1000, { email: "em_A" }, i)) } });
    expect(await device_velocity.evaluate(ctx, DEFAULTS)).toEqual({ severity: "none" });
  });

  it("counts the current attempt: a first attempt is 1", async () => {
    // Below every threshold a rule gives no detail (a none is never shown), so the count is read at a threshold of 1.
    expect(await device_velocity.evaluate(withEarlier(0), DEFAULTS)).toEqual({ severity: "none" });
    expect(await device_velocity.evaluate(withEarlier(0), params({ window: "1h", thresholds: { low: 1 } }))).toEqual({
      severity: "low",
      detail: expect.stringMatching(/^1 attempts? from this device in 1h$/),
    });
  });

  it("fires each level exactly at its threshold", async () => {
    expect((await device_velocity.evaluate(withEarlier(3), DEFAULTS)).severity).toBe("none");
    expect((await device_velocity.evaluate(withEarlier(4), DEFAULTS)).severity).toBe("medium");
    expect((await device_velocity.evaluate(withEarlier(8), DEFAULTS)).severity).toBe("medium");
    expect((await device_velocity.evaluate(withEarlier(9), DEFAULTS)).severity).toBe("high");
    expect((await device_velocity.evaluate(withEarlier(50), DEFAULTS)).severity).toBe("high");
  });

  it("says how many attempts it counted in which window", async () => {
    expect((await device_velocity.evaluate(withEarlier(4), DEFAULTS)).detail).toBe("5 attempts from this device in 1h");
    expect((await device_velocity.evaluate(withEarlier(4), params({ window: "90m", thresholds: { high: 2 } }))).detail).toBe(
      "5 attempts from this device in 90m",
    );
  });

  it("counts an attempt exactly at the window's start and not one a millisecond older", async () => {
    const p = params({ window: "1h", thresholds: { low: 1, medium: 2 } });
    const ids = { device: "dev_A" };
    const inside = context({ ids, history: { device: [earlier(HOUR, ids)] } });
    const outside = context({ ids, history: { device: [earlier(HOUR + 1, ids)] } });
    expect(await device_velocity.evaluate(inside, p)).toEqual({ severity: "medium", detail: "2 attempts from this device in 1h" });
    expect(await device_velocity.evaluate(outside, p)).toEqual({ severity: "low", detail: expect.stringMatching(/^1 attempts? from this device in 1h$/) });
  });

  it("counts only the attempts inside the window when older ones are in the history", async () => {
    const ids = { device: "dev_A" };
    const history = [earlier(1000, ids, 1), earlier(2000, ids, 2), earlier(HOUR - 1, ids, 3), earlier(HOUR + 1, ids, 4), earlier(5 * HOUR, ids, 5)];
    const outcome = await device_velocity.evaluate(context({ ids, history: { device: history } }), params({ window: "1h", thresholds: { medium: 4, high: 6 } }));
    expect(outcome).toEqual({ severity: "medium", detail: "4 attempts from this device in 1h" });
  });

  it("ignores repeats of other identifiers", async () => {
    const ids = { device: "dev_A", ip: "ip_A" };
    const ctx = context({ ids, history: { ip: Array.from({ length: 20 }, (_, i) => earlier(1000, { ip: "ip_A" }, i)) } });
    expect((await device_velocity.evaluate(ctx, DEFAULTS)).severity).toBe("none");
  });

  it("asks the engine for history as far back as its window", () => {
    expect(device_velocity.lookbackMs!(params({ window: "36h", thresholds: { high: 2 } }))).toBe(36 * HOUR);
  });

  it("refuses params without a window or thresholds", () => {
    expect(device_velocity.params.safeParse({ thresholds: { high: 2 } }).success).toBe(false);
    expect(device_velocity.params.safeParse({ window: "1h" }).success).toBe(false);
  });
});
