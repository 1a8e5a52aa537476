import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { domainToUnicode } from "node:url";
import { z } from "zod";
import { TextTable } from "../text-table.js";
import { activeSeverity } from "./params.js";
import type { RuleDefinition } from "./types.js";

/** What findIn looks domains up in: a Set of the ruleset's own, or the built-in list. */
interface DomainList {
  readonly size: number;
  has(domain: string): boolean;
}

/**
 * The built-in list, held outside the JavaScript heap (TextTable). As a Set of strings it was half the
 * collector's heap objects, which every full garbage collection marks: a full collection took 9.5 ms
 * with it and 2.5 ms without (measured), and the collections' pauses are the assess's tail latency.
 */
class BuiltInDomains implements DomainList {
  private readonly table = new TextTable();

  constructor(lists: string[][]) {
    for (const list of lists) for (const domain of list) this.table.intern(0, domain);
  }

  get size(): number {
    return this.table.size;
  }

  has(domain: string): boolean {
    return this.table.find(0, domain) !== -1;
  }
}

let builtIn: DomainList | undefined;

/**
 * The `disposable-email-domains` list (~120k domains, ~80 ms to load), read once on first use. Its
 * `wildcard.json` names domains whose every subdomain is disposable; parent domains are checked
 * anyway, so they simply join the list. Read as JSON rather than required, so the module cache does
 * not keep the array of strings.
 */
export function disposableDomains(): DomainList {
  if (builtIn === undefined) {
    const require = createRequire(import.meta.url);
    const read = (name: string) => JSON.parse(readFileSync(require.resolve(name), "utf8")) as string[];
    builtIn = new BuiltInDomains([read("disposable-email-domains"), read("disposable-email-domains/wildcard.json")]);
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
function findIn(domain: string, list: DomainList): string | undefined {
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
function findEitherIn(domain: string, unicode: string, list: DomainList): string | undefined {
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
