import { z } from "zod";
import { parseDurationMs } from "../duration.js";
import { normaliseAddress } from "../identity/normalise.js";
import { activeSeverity, window } from "./params.js";
import type { Order } from "../assess/request.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({
  /** An account younger than this counts as new; an order with no account history at all counts as new too. */
  newAccount: window.default(parseDurationMs("7d")!),
  severity: activeSeverity.default("low"),
  /** Used when the billing and shipping countries differ as well. */
  otherCountrySeverity: activeSeverity.default("medium"),
});
type Params = z.output<typeof params>;

type Address = NonNullable<Order["shipping"]>;

/** The fields normaliseAddress reads, compared as written. */
function isSameAsWritten(a: Address, b: Address): boolean {
  return a.line1 === b.line1 && a.line2 === b.line2 && a.postalCode === b.postalCode && a.city === b.city && a.country === b.country;
}

/** Goods shipped somewhere other than the card's billing address, by a new customer: the classic stolen-card pattern. */
export const ship_bill_mismatch: RuleDefinition<Params> = {
  id: "ship_bill_mismatch",
  params,
  /** Any earlier attempt of the customer id or e-mail makes the account not new. */
  reads: () => ({ customer: Infinity, email: Infinity }),
  evaluate(ctx, p) {
    const { billing, shipping, customer } = ctx.order;
    // Most orders ship to the billing address as written: equal fields normalise to one address.
    if (!billing || !shipping || isSameAsWritten(billing, shipping)) return { severity: "none" };
    const shipTo = normaliseAddress(shipping);
    const billTo = normaliseAddress(billing);
    if (shipTo === undefined || billTo === undefined || shipTo === billTo) return { severity: "none" };
    const createdMs = customer?.createdAt ? Date.parse(customer.createdAt) : undefined;
    const hasHistory = (ctx.history.customer?.length ?? 0) > 0 || (ctx.history.email?.length ?? 0) > 0;
    const isNew = createdMs !== undefined ? ctx.nowMs - createdMs < p.newAccount : !hasHistory;
    if (!isNew) return { severity: "none" };
    const isOtherCountry = Boolean(billing?.country && shipping?.country && billing.country !== shipping.country);
    return {
      severity: isOtherCountry ? p.otherCountrySeverity : p.severity,
      detail: `a new customer ships to ${isOtherCountry ? `another country (${shipping!.country}) than` : "another address than"} the billing address`,
    };
  },
};
