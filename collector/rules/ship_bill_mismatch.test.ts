import { describe, expect, it } from "vitest";
import { ship_bill_mismatch } from "./ship_bill_mismatch.js";
import type { RuleContext } from "./types.js";

const NOW_MS = Date.UTC(2026, 10, 20, 12);
const HOME = { line1: "Storgatan 1", postalCode: "111 22", city: "Stockholm", country: "SE" };

function context(order: Partial<RuleContext["order"]>, history: RuleContext["history"] = {}): RuleContext {
  return { nowMs: NOW_MS, siteKey: "pk_test_demo", order: { id: "ord_1", ...order }, ids: {}, history, graylist: {}, tokenStatus: "valid", signals: undefined };
}

const params = (raw: unknown) => ship_bill_mismatch.params.parse(raw) as Parameters<typeof ship_bill_mismatch.evaluate>[1];
const DEFAULTS = params({});
const NEW_CUSTOMER = { id: "c1", createdAt: new Date(NOW_MS - 3_600_000).toISOString() };

describe("ship_bill_mismatch", () => {
  it("finds nothing when the shipping address is the billing address, as written or once normalised", () => {
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: { ...HOME }, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({ severity: "none" });
    const sameOnceNormalised = { line1: "STORGATAN  1", postalCode: "11122", city: "Sthlm", country: " se " };
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: sameOnceNormalised, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("finds nothing without both addresses, or when an address has no street", () => {
    expect(ship_bill_mismatch.evaluate(context({ shipping: HOME, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({ severity: "none" });
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({ severity: "none" });
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: { ...HOME, line1: " " }, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("reports a new customer shipping elsewhere, medium when the country differs too", () => {
    const elsewhere = { ...HOME, line1: "Kungsgatan 5" };
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: elsewhere, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({
      severity: "low",
      detail: "a new customer ships to another address than the billing address",
    });
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: { ...elsewhere, country: "NO" }, customer: NEW_CUSTOMER }), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "a new customer ships to another country (NO) than the billing address",
    });
  });

  it("finds nothing for an older account, or without a creation time for a customer seen before", () => {
    const elsewhere = { ...HOME, line1: "Kungsgatan 5" };
    const old = { id: "c1", createdAt: new Date(NOW_MS - 30 * 86_400_000).toISOString() };
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: elsewhere, customer: old }), DEFAULTS)).toEqual({ severity: "none" });
    const seen = { customer: [{ tsMs: NOW_MS - 86_400_000, siteKey: "pk_test_demo", ids: {} }] } as RuleContext["history"];
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: elsewhere }, seen), DEFAULTS)).toEqual({ severity: "none" });
    expect(ship_bill_mismatch.evaluate(context({ billing: HOME, shipping: elsewhere }), DEFAULTS)).toMatchObject({ severity: "low" });
  });
});
