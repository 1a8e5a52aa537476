import { z } from "zod";
import { basketAmount, describeAge, forCurrency, formatMoney, perCurrency } from "./amounts.js";
import { activeSeverity, describeWindow, severity, window } from "./params.js";
import { SEVERITIES, type RuleDefinition } from "./types.js";

const band = z.strictObject({
  /** The account is younger than this (`10m`, `24h`). */
  under: window,
  /** The band only applies when the basket reaches the large-basket amount for its currency. */
  largeBasket: z.boolean().default(false),
  severity: activeSeverity,
});

const params = z
  .strictObject({
    bands: z.array(band).min(1, "at least one band, e.g. { \"under\": \"10m\", \"severity\": \"low\" }").max(20),
    /** Per currency, in minor units: a basket at least this large is "large". */
    largeBasket: perCurrency.optional(),
    /** A creation time in the future (beyond `clockSkew`): the merchant's data is wrong or made up. */
    future: severity.default("low"),
    /** How far in the future a creation time may be and still count as "just now" (the merchant's and our clocks differ). */
    clockSkew: window.prefault("5m"),
  })
  .superRefine((value, ctx) => {
    const index = value.bands.findIndex((b) => b.largeBasket);
    if (index >= 0 && value.largeBasket === undefined) {
      ctx.addIssue({ code: "custom", path: ["largeBasket"], message: `required: bands[${index}] applies to large baskets only, so say per currency what is large, e.g. { "SEK": 500000 }` });
    }
  });
type Params = z.output<typeof params>;

/** A fresh account with a big basket: fraudsters open an account and buy at once; new genuine customers start small. */
export const account_age: RuleDefinition<Params> = {
  id: "account_age",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const createdAt = ctx.order.customer?.createdAt;
    if (createdAt === undefined) return { severity: "none" };
    const createdMs = Date.parse(createdAt);
    if (Number.isNaN(createdMs)) return { severity: "none" };
    const ageMs = ctx.nowMs - createdMs;
    if (ageMs < -p.clockSkew) {
      return { severity: p.future, detail: `the customer account's creation time ${createdAt} is ${describeAge(-ageMs)} in the future` };
    }
    const age = Math.max(0, ageMs);

    const currency = ctx.order.currency;
    const amount = basketAmount(ctx.order);
    const large = p.largeBasket === undefined ? undefined : forCurrency(p.largeBasket, currency);
    const isLarge = amount !== undefined && large !== undefined && amount >= large;

    let hit: z.output<typeof band> | undefined;
    for (const b of p.bands) {
      if (age >= b.under || (b.largeBasket && !isLarge)) continue;
      if (hit === undefined || SEVERITIES.indexOf(b.severity) > SEVERITIES.indexOf(hit.severity)) hit = b;
    }
    // The detail of a `none` is never shown: it is only built for a hit.
    if (hit === undefined) return { severity: "none" };
    const ageText = `the customer account was created ${age < 1000 ? "just now" : `${describeAge(age)} ago`}`;
    const basket = hit.largeBasket ? ` and the basket of ${formatMoney(amount!, currency!)} is large (at least ${formatMoney(large!, currency!)})` : "";
    return { severity: hit.severity, detail: `${ageText} (under ${describeWindow(hit.under)})${basket}` };
  },
};
