import { z } from "zod";
import { basketAmount, forCurrency, formatMoney, multipliers, perCurrency } from "./amounts.js";
import { describeWindow, severityForCount, window } from "./params.js";
import type { HistoryEntry, IdentifierKey } from "../store/types.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({
  /** A typical first order per currency, in minor units; an order in a currency not listed is not judged. */
  typicalFirstOrder: perCurrency,
  /** How many times the typical first order an amount must reach for each severity. */
  multipliers,
  /**
   * An earlier attempt makes the customer known only once it is at least this old: a retry minutes
   * after a refused first attempt is still a first order. Without it, any earlier attempt counts.
   */
  knownAfter: window.optional(),
});
type Params = z.output<typeof params>;

/** Whether any of the entries is of this site and at or before `beforeMs`. */
function hasAttemptBy(entries: readonly HistoryEntry<IdentifierKey>[] | undefined, siteKey: string, beforeMs: number): boolean {
  if (entries === undefined) return false;
  for (let i = 0; i < entries.length; i++) {
    if (entries[i]!.siteKey === siteKey && entries[i]!.tsMs <= beforeMs) return true;
  }
  return false;
}

/**
 * A first order far above a typical first order. New genuine customers start small; a fraudster
 * with a stolen card has one chance and fills the basket.
 */
export const first_order_amount: RuleDefinition<Params> = {
  id: "first_order_amount",
  params,
  /** Any earlier attempt of the customer id or e-mail makes the customer known, however old. */
  reads: () => ({ customer: Infinity, email: Infinity }),
  evaluate(ctx, p) {
    const { currency } = ctx.order;
    const amount = basketAmount(ctx.order);
    const typical = forCurrency(p.typicalFirstOrder, currency);
    if (amount === undefined || typical === undefined) return { severity: "none" };
    // Without a customer id or an e-mail there is nothing to tell a first order from a repeat customer.
    if (ctx.ids.customer === undefined && ctx.ids.email === undefined) return { severity: "none" };
    const knownBefore = ctx.nowMs - (p.knownAfter ?? 0);
    const isKnown =
      (ctx.ids.customer !== undefined && hasAttemptBy(ctx.history.customer, ctx.siteKey, knownBefore)) ||
      (ctx.ids.email !== undefined && hasAttemptBy(ctx.history.email, ctx.siteKey, knownBefore));
    if (isKnown) return { severity: "none" };

    const ratio = amount / typical;
    const severity = severityForCount(ratio, p.multipliers);
    const first = p.knownAfter === undefined ? "a first order (no earlier attempt with this customer id or e-mail)" : `a first order (no attempt with this customer id or e-mail older than ${describeWindow(p.knownAfter)})`;
    // Rounded down, so that "5×" is never shown for an amount that did not reach a 5× threshold.
    const times = ratio >= 10 ? Math.floor(ratio) : Math.floor(ratio * 10) / 10;
    return { severity, detail: `${first} of ${formatMoney(amount, currency!)}: ${times}× the typical first order of ${formatMoney(typical, currency!)}` };
  },
};
