import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { describeIssues } from "../validation.js";
import { disposable_email, disposableDomains } from "./disposable_email.js";
import type { RuleContext } from "./types.js";

function context(email: string | undefined): RuleContext {
  const order = email === undefined ? { id: "ord_1" } : { id: "ord_1", email };
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined };
}

const params = (raw: unknown) => disposable_email.params.parse(raw) as Parameters<typeof disposable_email.evaluate>[1];
const DEFAULTS = params({});
const severityOf = async (email: string | undefined, p = DEFAULTS) => (await disposable_email.evaluate(context(email), p)).severity;

describe("disposable_email", () => {
  it("loads the installed list once", () => {
    const domains = disposableDomains();
    expect(domains.size).toBeGreaterThan(100_000);
    expect(domains.has("mailinator.com")).toBe(true);
    expect(disposableDomains()).toBe(domains);
  });

  it.each(["anna.berg@example.se", "john.smith1987@gmail.com", "karin_lund@hotmail.com", "info@pizzeria-napoli.se", "p.ek@telia.com", "x@outlook.com"])(
    "finds nothing for an ordinary mailbox: %s",
    async (email) => {
      expect(await disposable_email.evaluate(context(email), DEFAULTS)).toEqual({ severity: "none" });
    },
  );

  it("finds nothing without an e-mail", async () => {
    expect(await disposable_email.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("reports a listed domain with the configured severity, medium by default", async () => {
    expect(await disposable_email.evaluate(context("shopper@mailinator.com"), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "the e-mail domain mailinator.com is a disposable-mailbox service",
    });
    expect(await severityOf("Shopper@YOPMAIL.COM.")).toBe("medium");
    expect(await severityOf("shopper@guerrillamail.com", params({ severity: "high" }))).toBe("high");
  });

  it("reports subdomains of a listed domain", async () => {
    expect(await disposable_email.evaluate(context("a@inbox.mailinator.com"), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "the e-mail domain inbox.mailinator.com is a disposable-mailbox service (a subdomain of mailinator.com)",
    });
  });

  it("reports a punycode address of a domain the list has in Unicode", async () => {
    const listed = (createRequire(import.meta.url)("disposable-email-domains") as string[]).find((d) => /[^\x00-\x7f]/.test(d));
    expect(listed).toBeDefined();
    const ascii = new URL(`http://${listed}/`).hostname;
    expect(await severityOf(`a@${ascii}`)).toBe("medium");
  });

  it("adds the ruleset's extra domains, with their subdomains", async () => {
    const p = params({ extraDomains: ["throwaway.example"] });
    expect(await disposable_email.evaluate(context("a@mx.throwaway.example"), p)).toEqual({
      severity: "medium",
      detail: "the e-mail domain mx.throwaway.example is disposable (throwaway.example is on this ruleset's extra list)",
    });
    expect(await severityOf("a@example.se", p)).toBe("none");
  });

  it("never reports an allowed domain, even a listed one", async () => {
    const p = params({ allowDomains: ["mailinator.com"], extraDomains: ["mailinator.com"] });
    expect(await severityOf("a@mailinator.com", p)).toBe("none");
    expect(await severityOf("a@inbox.mailinator.com", p)).toBe("none");
    expect(await severityOf("a@yopmail.com", p)).toBe("medium");
  });

  it("refuses domain names that are not lower-case host names, naming the entry", () => {
    const problems = (raw: unknown) => {
      const result = disposable_email.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.disposable_email");
    };
    expect(problems({ extraDomains: ["ok.example", "Mailinator.com"] })).toEqual([
      "rules.disposable_email.extraDomains[1]: not a domain name: lower-case letters, digits, dots and hyphens, e.g. mailinator.com",
    ]);
    expect(problems({ allowDomains: ["localhost"] })).toEqual([expect.stringMatching(/^rules\.disposable_email\.allowDomains\[0\]: not a domain name/)]);
    expect(problems({ allowDomains: ["@gmail.com"] })).toEqual([expect.stringMatching(/^rules\.disposable_email\.allowDomains\[0\]: not a domain name/)]);
    expect(problems({ extraDomains: ["-bad.example"] })).toEqual([expect.stringMatching(/^rules\.disposable_email\.extraDomains\[0\]: /)]);
    expect(problems({ severity: "none" })).toEqual([expect.stringMatching(/^rules\.disposable_email\.severity: /)]);
  });
});
