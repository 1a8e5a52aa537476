import { createRequire } from "node:module";
import { domainToUnicode } from "node:url";
import { z } from "zod";
import { activeSeverity } from "./params.js";
import type { RuleDefinition } from "./types.js";

let builtIn: ReadonlySet<string> | undefined;

/**
 * The `disposable-email-domains` list (~120k domains, ~80 ms to load), read once on first use. Its
 * `wildcard.json` names domains whose every subdomain is disposable; parent domains are checked
 * anyway, so they simply join the set.
 */
export function disposableDomains(): ReadonlySet<string> {
  if (builtIn === undefined) {
    const require = createRequire(import.meta.url);
    const domains = require("disposable-email-domains") as string[];
    const wildcards = require("disposable-email-domains/wildcard.json") as string[];
    const set = new Set(domains);
    for (const domain of wildcards) set.add(domain);
    builtIn = set;
  }
  return builtIn;
}

const domainName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/, "not a domain name: lower-case letters, digits, dots and hyphens, e.g. mailinator.com");

const params = z.strictObject({
  severity: activeSeverity.default("medium"),
  /** Domains to treat as disposable besides the built-in list (their subdomains too). */
  extraDomains: z.array(domainName).max(10_000).default([]).transform((list) => new Set(list)),
  /** Domains never treated as disposable, even when listed (their subdomains too), e.g. a forwarding service your customers use. */
  allowDomains: z.array(domainName).max(10_000).default([]).transform((list) => new Set(list)),
});
type Params = z.output<typeof params>;

/**
 * The first of the domain and its parent domains with at least two labels (a.b.example.com,
 * b.example.com, example.com) that is on the list.
 */
function findIn(domain: string, list: ReadonlySet<string>): string | undefined {
  if (list.size === 0) return undefined;
  let from = 0;
  for (;;) {
    const candidate = from === 0 ? domain : domain.slice(from);
    if (list.has(candidate)) return candidate;
    const dot = domain.indexOf(".", from);
    if (dot < 0 || domain.indexOf(".", dot + 1) < 0) return undefined;
    from = dot + 1;
  }
}

/** The first listed domain or parent of the domain, then of its Unicode form (empty when there is none). */
function findEitherIn(domain: string, unicode: string, list: ReadonlySet<string>): string | undefined {
  return findIn(domain, list) ?? (unicode === "" ? undefined : findIn(unicode, list));
}

/** A throwaway mailbox: the buyer will not be reachable after the order, which is the point for a fraudster. */
export const disposable_email: RuleDefinition<Params> = {
  id: "disposable_email",
  params,
  reads: () => ({}),
  prepare() {
    disposableDomains(); // loads the ~120,000-domain list (~80 ms)
  },
  evaluate(ctx, p) {
    const email = ctx.order.email?.trim().toLowerCase();
    if (!email) return { severity: "none" };
    const domain = email.slice(email.lastIndexOf("@") + 1).replace(/\.$/, "");
    if (!domain.includes(".")) return { severity: "none" };
    // The list has a few internationalised domains in Unicode; an address may carry them in punycode.
    const converted = domain.includes("xn--") ? domainToUnicode(domain) : "";
    const unicode = converted !== domain ? converted : "";
    if (findEitherIn(domain, unicode, p.allowDomains)) return { severity: "none" };
    const extra = findEitherIn(domain, unicode, p.extraDomains);
    if (extra !== undefined) return { severity: p.severity, detail: `the e-mail domain ${domain} is disposable (${extra} is on this ruleset's extra list)` };
    const listed = findEitherIn(domain, unicode, disposableDomains());
    if (listed === undefined) return { severity: "none" };
    const via = listed === domain || listed === unicode ? "" : ` (a subdomain of ${listed})`;
    return { severity: p.severity, detail: `the e-mail domain ${domain} is a disposable-mailbox service${via}` };
  },
};
