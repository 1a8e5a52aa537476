import { describe, expect, it } from "vitest";
import { describeIssues } from "../validation.js";
import { phone_country } from "./phone_country.js";
import { parseRuleset, RulesetError } from "./ruleset.js";
import type { RuleContext } from "./types.js";

function context(phone: string | undefined, country: string | null = "SE"): RuleContext {
  const order: RuleContext["order"] = { id: "ord_1" };
  if (phone !== undefined) order.phone = phone;
  if (country !== null) order.shipping = { line1: "Storgatan 1", postalCode: "11122", city: "Stockholm", country };
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined };
}

const params = (raw: unknown) => phone_country.params.parse(raw) as Parameters<typeof phone_country.evaluate>[1];
const DEFAULTS = params({});
const severityOf = async (phone: string | undefined, country = "SE", p = DEFAULTS) => (await phone_country.evaluate(context(phone, country), p)).severity;

describe("phone_country", () => {
  it.each(["+46701234567", "+46 70 123 45 67", "0701234567", "0046706661313", "+46 (0)70-123 45 67", "08-123 456 78"])(
    "finds nothing for the Swedish number %s shipped to SE",
    async (phone) => {
      expect(await phone_country.evaluate(context(phone), DEFAULTS)).toEqual({ severity: "none" });
    },
  );

  it("finds nothing without a phone, a shipping country, or for a country the phone library does not know", async () => {
    expect(await phone_country.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
    expect(await phone_country.evaluate(context("+4791234567", null), DEFAULTS)).toEqual({ severity: "none" });
    expect(await phone_country.evaluate(context("+4791234567", "ZZ"), DEFAULTS)).toEqual({ severity: "none" });
  });

  it("reports a number that is not valid in the shipping country, medium by default", async () => {
    expect(await phone_country.evaluate(context("070123"), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "the phone number (+46 and 6 digits) is not a valid number in the shipping country SE",
    });
    expect(await phone_country.evaluate(context("+47 123"), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "the phone number (+47 and 3 digits) is not a valid number for its country code +47",
    });
    expect(await phone_country.evaluate(context("+999 123456"), DEFAULTS)).toEqual({
      severity: "medium",
      detail: "the phone number cannot be read as a number in the shipping country SE",
    });
  });

  it("reports a valid number of another country than the shipping country, low by default", async () => {
    expect(await phone_country.evaluate(context("+47 912 34 567"), DEFAULTS)).toEqual({
      severity: "low",
      detail: "the phone number is from NO (+47); the order ships to SE (+46)",
    });
    expect(await severityOf("+1 212 555 1234", "SE")).toBe("low");
    expect(await severityOf("+46701234567", "US")).toBe("low");
  });

  it("treats countries sharing a calling code as one", async () => {
    expect(await severityOf("+1 416 555 0123", "US")).toBe("none"); // a Canadian number, shipped to the US
    expect(await severityOf("+44 7911 123456", "JE")).toBe("none"); // a Guernsey number, shipped to Jersey
  });

  it("accepts the allowed prefixes of the shipping country", async () => {
    const p = params({ allowedPrefixes: { SE: ["+47", "+358"], NO: ["+46"] } });
    expect(await severityOf("+47 912 34 567", "SE", p)).toBe("none");
    expect(await severityOf("+358 40 123 4567", "SE", p)).toBe("none");
    expect(await severityOf("+45 20 12 34 56", "SE", p)).toBe("low");
    expect(await severityOf("+358 40 123 4567", "NO", p)).toBe("low");
    const longer = params({ allowedPrefixes: { US: ["+1242"] } });
    expect(await severityOf("+1 242 357 1234", "US", longer)).toBe("none");
  });

  it("uses the configured severities, and none switches a finding off", async () => {
    const p = params({ invalid: "high", otherCountry: "none" });
    expect(await severityOf("070123", "SE", p)).toBe("high");
    expect(await severityOf("+47 912 34 567", "SE", p)).toBe("none");
  });

  it("refuses a prefix with letters or too few digits, naming its path in the ruleset", () => {
    const ruleset = (allowedPrefixes: unknown) => ({ policy: { challenge: { medium: 1 } }, rules: { phone_country: { allowedPrefixes } } });
    const problems = (raw: unknown) => {
      try {
        parseRuleset(raw);
        return [];
      } catch (error) {
        return (error as RulesetError).problems;
      }
    };
    expect(problems(ruleset({ SE: ["+46", "+4x"] }))).toEqual(["rules.phone_country.allowedPrefixes.SE[1]: not a phone prefix: a + and 1 to 4 digits, e.g. +47"]);
    expect(problems(ruleset({ SE: ["+"] }))).toEqual(["rules.phone_country.allowedPrefixes.SE[0]: not a phone prefix: a + and 1 to 4 digits, e.g. +47"]);
    expect(problems(ruleset({ SE: ["47"] }))).toEqual(["rules.phone_country.allowedPrefixes.SE[0]: not a phone prefix: a + and 1 to 4 digits, e.g. +47"]);
    expect(problems(ruleset({ SE: ["+12345"] }))).toEqual(["rules.phone_country.allowedPrefixes.SE[0]: not a phone prefix: a + and 1 to 4 digits, e.g. +47"]);
    expect(problems(ruleset({ Sweden: ["+47"] }))).toEqual(['rules.phone_country.allowedPrefixes.Sweden: "Sweden" is not a country code such as SE (ISO 3166-1 alpha-2, upper-case)']);
    expect(problems(ruleset({ SE: "+47" }))).toEqual([expect.stringMatching(/^rules\.phone_country\.allowedPrefixes\.SE: /)]);
    expect(problems(ruleset({ SE: ["+47", "+45"] }))).toEqual([]);
  });

  it("refuses bad severities, naming the field", () => {
    const result = phone_country.params.safeParse({ invalid: "severe" });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!, "rules.phone_country")).toEqual([expect.stringMatching(/^rules\.phone_country\.invalid: /)]);
  });
});
