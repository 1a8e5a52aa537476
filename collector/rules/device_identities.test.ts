import { describe, expect, it } from "vitest";
import { RULE_NOW, ruleContext, earlierAttempt } from "../../test/helpers/rule-context.js";
import type { IdentifierHashes } from "../store/types.js";
import { device_identities } from "./device_identities.js";
import type { RuleContext } from "./types.js";

const NOW = RULE_NOW;
const HOUR = 3_600_000;

const context = ruleContext;

const earlier = earlierAttempt;

const params = (raw: unknown) => device_identities.params.parse(raw) as Parameters<typeof device_identities.evaluate>[1];
const DEFAULTS = params({ window: "24h", thresholds: { low: 2, medium: 3, high: 4 } });

/** This device now using `current`, and earlier with each of `before` (one attempt each, an hour ago). */
function device(current: IdentifierHashes, before: IdentifierHashes[], ageMs = HOUR): RuleContext {
  return context({
    ids: { device: "dev_A", ...current },
    history: { device: before.map((ids, i) => earlier(ageMs, { device: "dev_A", ...ids }, i)) },
  });
}

describe("device_identities", () => {
  it("finds nothing without a device id", async () => {
    const ctx = context({ ids: { email: "em_0" }, history: { email: [earlier(1000, { email: "em_0", name: "nm_1" })] } });
    expect(await device_identities.evaluate(ctx, DEFAULTS)).toEqual({ severity: "none" });
  });

  it("finds nothing for one identity used again and again", async () => {
    const same = { email: "em_0", name: "nm_0", phone: "ph_0" };
    expect(await device_identities.evaluate(device(same, [same, same, same, same]), DEFAULTS)).toEqual({
      severity: "none",
      detail: "one identity on this device",
    });
  });

  it("counts the current attempt's identity with the earlier ones", async () => {
    expect(await device_identities.evaluate(device({ email: "em_0" }, [{ email: "em_1" }]), DEFAULTS)).toEqual({
      severity: "low",
      detail: "2 e-mails on this device in 1d",
    });
  });

  it("fires each level exactly at its threshold of distinct values", async () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `em_${i + 1}` }));
    expect((await device_identities.evaluate(device({ email: "em_0" }, emails(1)), DEFAULTS)).severity).toBe("low");
    expect((await device_identities.evaluate(device({ email: "em_0" }, emails(2)), DEFAULTS)).severity).toBe("medium");
    expect((await device_identities.evaluate(device({ email: "em_0" }, emails(3)), DEFAULTS)).severity).toBe("high");
    expect((await device_identities.evaluate(device({ email: "em_0" }, emails(3)), DEFAULTS)).detail).toBe("4 e-mails on this device in 1d");
    const withHigherLow = params({ window: "24h", thresholds: { medium: 3 } });
    expect((await device_identities.evaluate(device({ email: "em_0" }, emails(1)), withHigherLow)).severity).toBe("none");
  });

  it("counts earlier identities when the current attempt has none of that kind", async () => {
    expect(await device_identities.evaluate(device({}, [{ phone: "ph_1" }, { phone: "ph_2" }]), DEFAULTS)).toEqual({
      severity: "low",
      detail: "2 phones on this device in 1d",
    });
  });

  it("takes the worst kind and names every kind that varied", async () => {
    const outcome = await device_identities.evaluate(
      device({ email: "em_0", name: "nm_0", phone: "ph_0" }, [
        { email: "em_1", name: "nm_1", phone: "ph_0" },
        { email: "em_0", name: "nm_2" },
        { name: "nm_3" },
      ]),
      DEFAULTS,
    );
    expect(outcome).toEqual({ severity: "high", detail: "2 e-mails, 4 names on this device in 1d" });
  });

  it("counts an attempt exactly at the window's start and not one a millisecond older", async () => {
    const inside = device({ email: "em_0" }, [{ email: "em_1" }, { email: "em_2" }], 24 * HOUR);
    const outside = device({ email: "em_0" }, [{ email: "em_1" }, { email: "em_2" }], 24 * HOUR + 1);
    expect(await device_identities.evaluate(inside, DEFAULTS)).toEqual({ severity: "medium", detail: "3 e-mails on this device in 1d" });
    expect(await device_identities.evaluate(outside, DEFAULTS)).toEqual({ severity: "none", detail: "one identity on this device" });
  });

  it("counts only the configured kinds", async () => {
    const ctx = device({ email: "em_0", address: "ad_0" }, [{ email: "em_1", address: "ad_1" }, { email: "em_2", address: "ad_2" }]);
    const addressesOnly = params({ window: "24h", thresholds: { high: 3 }, kinds: ["address"] });
    expect(await device_identities.evaluate(ctx, addressesOnly)).toEqual({ severity: "high", detail: "3 addresses on this device in 1d" });
    const namesOnly = params({ window: "24h", thresholds: { high: 2 }, kinds: ["name"] });
    expect((await device_identities.evaluate(ctx, namesOnly)).severity).toBe("none");
  });

  it("checks e-mails, names and phones by default, and refuses device or no kinds", () => {
    expect(params({ window: "1h", thresholds: { high: 2 } }).kinds).toEqual(["email", "name", "phone"]);
    expect(device_identities.params.safeParse({ window: "1h", thresholds: { high: 2 }, kinds: ["device"] }).success).toBe(false);
    expect(device_identities.params.safeParse({ window: "1h", thresholds: { high: 2 }, kinds: [] }).success).toBe(false);
  });

  it("asks the engine for history as far back as its window", () => {
    expect(device_identities.lookbackMs!(DEFAULTS)).toBe(24 * HOUR);
  });
});
