import { z } from "zod";
import { severity } from "./params.js";
import type { RuleDefinition } from "./types.js";

const params = z.strictObject({
  missing: severity.default("medium"),
  invalid: severity.default("high"),
  expired: severity.default("low"),
  reused: severity.default("high"),
  wrong_site: severity.default("high"),
});
type Params = z.output<typeof params>;

const DETAILS = {
  missing: "the order came without a risk token: the script did not run on the checkout",
  invalid: "the risk token is not one this collector signed",
  expired: "the risk token had expired",
  reused: "the risk token was already used for another order",
  wrong_site: "the risk token was issued for another site",
} as const;

/** A checkout without a good token did not pass through the merchant's page as a shopper would. */
export const token: RuleDefinition<Params> = {
  id: "token",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    if (ctx.tokenStatus === "valid") return { severity: "none" };
    return { severity: p[ctx.tokenStatus], detail: DETAILS[ctx.tokenStatus] };
  },
};
