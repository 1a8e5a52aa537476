import { z } from "zod";
import type { IdentifierKind } from "../identity/normalise.js";
import { activeSeverity, identifierKind, severity as anySeverity } from "./params.js";
import type { RuleDefinition, Severity } from "./types.js";

const params = z.strictObject({
  /** The severity of a direct match on a strong identifier (device, e-mail, phone, card, customer, address). */
  severity: activeSeverity.default("high"),
  /** Weaker identifiers are shared by innocent people (a carrier's NAT, a common name): their own severity. */
  kinds: z.partialRecord(identifierKind, anySeverity).default({ ip: "low", ip_net: "none", name: "low" }),
  /** Sharing an identifier with an attempt that shares one with a fraud. */
  hopSeverity: anySeverity.default("medium"),
  /** A customer or e-mail labelled `legit` before: matches count one level lower. */
  trustedLowersBy: z.int().min(0).max(3).default(1),
});
type Params = z.output<typeof params>;

const RANK: Severity[] = ["none", "low", "medium", "high"];
const worse = (a: Severity, b: Severity): Severity => (RANK.indexOf(a) >= RANK.indexOf(b) ? a : b);

/**
 * An identifier of this attempt was used in a confirmed fraud (direct), or this attempt shares an
 * identifier with an earlier attempt that did (one hop): fraudsters reuse phones, addresses, devices.
 */
export const graylist: RuleDefinition<Params> = {
  id: "graylist",
  params,
  reads: () => ({}),
  evaluate(ctx, p) {
    let found: Severity = "none";
    const parts: string[] = [];
    for (const [kind, entry] of Object.entries(ctx.graylist) as [IdentifierKind, { attemptId: string }][]) {
      const severity = p.kinds[kind] ?? p.severity;
      if (severity === "none") continue;
      found = worse(found, severity);
      parts.push(`${kind} was used in confirmed fraud ${entry.attemptId}`);
    }
    for (const [kind, hop] of Object.entries(ctx.graylistHops ?? {})) {
      if (p.hopSeverity === "none" || ctx.graylist[kind as IdentifierKind]) continue;
      found = worse(found, p.hopSeverity);
      parts.push(`${kind} is shared with ${hop!.linkedAttemptId}, whose ${hop!.via} was used in confirmed fraud ${hop!.fraudAttemptId}`);
    }
    if (found === "none") return { severity: "none" };
    if (ctx.isTrusted && p.trustedLowersBy > 0) {
      found = RANK[Math.max(0, RANK.indexOf(found) - p.trustedLowersBy)]!;
      parts.push("lowered: this customer has orders labelled legit");
    }
    return { severity: found, detail: parts.join("; ") };
  },
};
