import { z } from "zod";
import type { FieldRole } from "../../sdk/protocol.js";
import { severity, severityForCount, thresholds } from "./params.js";
import { SEVERITIES, type RuleDefinition, type Severity } from "./types.js";

const params = z.strictObject({
  /** The e-mail and the phone both pasted: someone copying an identity from a list. */
  emailAndPhone: severity.default("medium"),
  /** How many of the identity fields (e-mail, phone, name, address) were pasted. */
  identityFields: thresholds.default({ low: 1, high: 3 }),
  /** A card field pasted: common among honest shoppers with virtual cards, so off by default. */
  card: severity.default("none"),
});
type Params = z.output<typeof params>;

const IDENTITY_ROLES: readonly FieldRole[] = ["email", "phone", "name", "address"];
const ROLE_TEXT: Record<FieldRole, string> = { email: "e-mail", phone: "phone", name: "name", address: "address", card: "card" };

/**
 * Checkout fields that were pasted (or dropped) into rather than typed or autofilled. A shopper types
 * or autofills their own details; a fraudster pastes someone else's, and pasting both the e-mail
 * and the phone is the classic sign of a copied identity. Autofill never counts as pasting.
 */
export const checkout_paste: RuleDefinition<Params> = {
  id: "checkout_paste",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    const fields = ctx.signals?.fields;
    if (!fields) return { severity: "none" };
    const pasted = new Set(fields.filter((field) => field.pasted > 0).map((field) => field.role));
    const identity = IDENTITY_ROLES.filter((role) => pasted.has(role));
    const levels: Severity[] = [severityForCount(identity.length, p.identityFields)];
    if (pasted.has("email") && pasted.has("phone")) levels.push(p.emailAndPhone);
    if (pasted.has("card")) levels.push(p.card);
    const worst = levels.reduce((a, b) => (SEVERITIES.indexOf(b) > SEVERITIES.indexOf(a) ? b : a));
    if (worst === "none") return { severity: "none" };
    const roles = [...identity, ...(pasted.has("card") ? (["card"] as const) : [])].map((role) => ROLE_TEXT[role]);
    const together = pasted.has("email") && pasted.has("phone") ? " (the e-mail and the phone together)" : "";
    const listed = roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(", ")} and ${roles.at(-1)}`;
    return { severity: worst, detail: `pasted into the ${listed} field${roles.length === 1 ? "" : "s"}${together}` };
  },
};
