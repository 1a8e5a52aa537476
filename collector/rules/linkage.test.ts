import { describe, expect, it } from "vitest";
import { RULE_NOW, ruleContext } from "../../test/helpers/rule-context.js";
import { email_devices } from "./email_devices.js";
import type { LinkageParams } from "./linkage.js";
import { ship_bill_mismatch } from "./ship_bill_mismatch.js";

const NOW = RULE_NOW;
const context = ruleContext;

describe("email_devices", () => {
  const params = email_devices.params.parse({ window: "7d", thresholds: { medium: 3, high: 5 } }) as LinkageParams;
  const earlier = (devices: string[], ageMs = 1000) => devices.map((device, i) => ({ attemptId: `a${i}`, siteKey: "pk", tsMs: NOW - ageMs, ids: { email: "e1", device } }));

  it("counts distinct devices on the e-mail, this one included, at each threshold", async () => {
    expect(await email_devices.evaluate(context({ ids: { email: "e1", device: "d0" }, history: { email: earlier(["d1"]) } }), params)).toEqual({ severity: "none" });
    const three = await email_devices.evaluate(context({ ids: { email: "e1", device: "d0" }, history: { email: earlier(["d1", "d2", "d1"]) } }), params);
    expect(three).toEqual({ severity: "medium", detail: "3 devices used this e-mail address in 7d" });
    expect((await email_devices.evaluate(context({ ids: { email: "e1", device: "d0" }, history: { email: earlier(["d1", "d2", "d3", "d4"]) } }), params)).severity).toBe("high");
  });

  it("ignores attempts outside the window and attempts without a device", async () => {
    const old = earlier(["d1", "d2", "d3"], 8 * 86_400_000);
    expect((await email_devices.evaluate(context({ ids: { email: "e1", device: "d0" }, history: { email: old } }), params)).severity).toBe("none");
    expect(await email_devices.evaluate(context({ ids: { email: "e1" }, history: { email: earlier(["d1", "d2", "d3"]) } }), params)).toEqual({ severity: "none" });
  });
});

describe("ship_bill_mismatch", () => {
  const params = ship_bill_mismatch.params.parse({}) as Parameters<typeof ship_bill_mismatch.evaluate>[1];
  const home = { line1: "Storgatan 1", postalCode: "11122", city: "Stockholm", country: "SE" };
  const drop = { line1: "Lagergatan 3", postalCode: "41101", city: "Göteborg", country: "SE" };

  it("flags a new account shipping away from its billing address, more so to another country", async () => {
    const fresh = { id: "c1", createdAt: new Date(NOW - 3_600_000).toISOString() };
    const local = await ship_bill_mismatch.evaluate(context({ order: { id: "o", customer: fresh, billing: home, shipping: drop } }), params);
    expect(local).toEqual({ severity: "low", detail: "a new customer ships to another address than the billing address" });
    const abroad = await ship_bill_mismatch.evaluate(context({ order: { id: "o", customer: fresh, billing: home, shipping: { ...drop, country: "NL" } } }), params);
    expect(abroad.severity).toBe("medium");
    expect(abroad.detail).toMatch(/another country \(NL\)/);
  });

  it("lets an established customer ship anywhere, and ignores the same address written differently", async () => {
    const old = { id: "c1", createdAt: "2025-01-01T00:00:00Z" };
    expect((await ship_bill_mismatch.evaluate(context({ order: { id: "o", customer: old, billing: home, shipping: drop } }), params)).severity).toBe("none");
    const same = { ...home, line1: "STORGATAN 1", postalCode: "111 22" };
    expect((await ship_bill_mismatch.evaluate(context({ order: { id: "o", billing: home, shipping: same } }), params)).severity).toBe("none");
  });

  it("without an account date, treats a customer with earlier attempts as known", async () => {
    const order = { id: "o", billing: home, shipping: drop };
    expect((await ship_bill_mismatch.evaluate(context({ order }), params)).severity).toBe("low");
    const known = context({ order, history: { email: [{ attemptId: "a", siteKey: "pk", tsMs: NOW - 1, ids: {} }] } });
    expect((await ship_bill_mismatch.evaluate(known, params)).severity).toBe("none");
  });

  it("says nothing without both addresses", async () => {
    expect(await ship_bill_mismatch.evaluate(context({ order: { id: "o", shipping: drop } }), params)).toEqual({ severity: "none" });
  });
});
