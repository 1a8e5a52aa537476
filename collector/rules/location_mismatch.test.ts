import { describe, expect, it } from "vitest";
import type { EnvironmentSignals } from "../../sdk/protocol.js";
import { describeIssues } from "../validation.js";
import { location_mismatch } from "./location_mismatch.js";
import type { RuleContext } from "./types.js";

function context(signals: EnvironmentSignals | undefined, country: string | null = "SE"): RuleContext {
  const order: RuleContext["order"] = { id: "ord_1" };
  if (country !== null) order.shipping = { line1: "Storgatan 1", postalCode: "11122", city: "Stockholm", country };
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals };
}

const params = (raw: unknown) => location_mismatch.params.parse(raw) as Parameters<typeof location_mismatch.evaluate>[1];
const DEFAULTS = params({});
const LANGUAGES = params({ requireLanguage: true });
const severityOf = async (signals: EnvironmentSignals | undefined, country = "SE", p = DEFAULTS) => (await location_mismatch.evaluate(context(signals, country), p)).severity;

describe("location_mismatch", () => {
  it("finds nothing without signals or without a shipping country", async () => {
    expect(await location_mismatch.evaluate(context(undefined), DEFAULTS)).toEqual({ severity: "none" });
    expect(await location_mismatch.evaluate(context({ timezone: "Asia/Tokyo" }, null), DEFAULTS)).toEqual({ severity: "none" });
    expect(await location_mismatch.evaluate(context({}), LANGUAGES)).toEqual({ severity: "none" });
  });

  it("finds nothing for a time zone of the shipping country, including old and shared names", async () => {
    expect(await severityOf({ timezone: "Europe/Stockholm", languages: ["sv-SE"] })).toBe("none");
    expect(await severityOf({ timezone: "Europe/Berlin" })).toBe("none"); // tzdb links Stockholm to Berlin; Berlin lists SE
    expect(await severityOf({ timezone: "America/New_York" }, "US")).toBe("none");
    expect(await severityOf({ timezone: "Asia/Calcutta" }, "IN")).toBe("none");
    expect(await severityOf({ timezone: "Europe/Kiev" }, "UA")).toBe("none");
  });

  it("reports a time zone used in other countries only, low by default", async () => {
    expect(await location_mismatch.evaluate(context({ timezone: "America/New_York", languages: ["en-US"] }), DEFAULTS)).toEqual({
      severity: "low",
      detail: "the browser's time zone America/New_York is used in US, not in the shipping country SE",
    });
    expect((await location_mismatch.evaluate(context({ timezone: "Asia/Tokyo" }), DEFAULTS)).detail).toBe(
      "the browser's time zone Asia/Tokyo is used in JP, AU, not in the shipping country SE",
    );
    expect(await severityOf({ timezone: "America/New_York" }, "SE", params({ timezone: "medium" }))).toBe("medium");
  });

  it("says nothing about a zone that names no place or that it does not know", async () => {
    expect(await severityOf({ timezone: "UTC" })).toBe("none");
    expect(await severityOf({ timezone: "Etc/GMT+3" })).toBe("none");
    expect(await severityOf({ timezone: "Mars/Olympus_Mons" })).toBe("none");
  });

  it("ignores languages by default", async () => {
    expect(await severityOf({ timezone: "Europe/Stockholm", languages: ["ja-JP"] })).toBe("none");
  });

  it("with requireLanguage, accepts a language of the country, a browser set to the country, or English", async () => {
    expect(await severityOf({ timezone: "Europe/Stockholm", languages: ["sv-SE", "sv"] }, "SE", LANGUAGES)).toBe("none");
    expect(await severityOf({ timezone: "Europe/Stockholm", languages: ["sv"] }, "SE", LANGUAGES)).toBe("none");
    expect(await severityOf({ timezone: "Europe/Stockholm", languages: ["ar-SE"] }, "SE", LANGUAGES)).toBe("none");
    expect(await severityOf({ timezone: "Europe/Stockholm", languages: ["en-GB"] }, "SE", LANGUAGES)).toBe("none");
    expect(await severityOf({ timezone: "Europe/Zurich", languages: ["de-DE"] }, "CH", LANGUAGES)).toBe("none");
  });

  it("with requireLanguage, reports browser languages that do not fit the country", async () => {
    expect(await location_mismatch.evaluate(context({ timezone: "Europe/Stockholm", languages: ["ja-JP", "ja"] }), LANGUAGES)).toEqual({
      severity: "low",
      detail: "none of the browser's languages (ja-JP, ja) is spoken in the shipping country SE",
    });
    expect(await severityOf({ timezone: "Europe/Helsinki", languages: ["sv"] }, "FI", LANGUAGES)).toBe("low");
    expect(await severityOf({ timezone: "Europe/Helsinki", languages: ["sv"] }, "FI", params({ requireLanguage: true, countryLanguages: { FI: ["sv"] } }))).toBe("none");
    expect(await severityOf({ languages: ["en-US"] }, "SE", params({ requireLanguage: true, anyLanguages: [] }))).toBe("low");
    expect(await severityOf({ languages: ["not a tag!"] }, "SE", LANGUAGES)).toBe("low");
  });

  it("names both findings and takes the worse severity", async () => {
    const p = params({ requireLanguage: true, timezone: "low", language: "medium" });
    const outcome = await location_mismatch.evaluate(context({ timezone: "Asia/Tokyo", languages: ["ja-JP"] }), p);
    expect(outcome.severity).toBe("medium");
    expect(outcome.detail).toBe(
      "the browser's time zone Asia/Tokyo is used in JP, AU, not in the shipping country SE; none of the browser's languages (ja-JP) is spoken in the shipping country SE",
    );
  });

  it("refuses bad params, naming the field", () => {
    const problems = (raw: unknown) => {
      const result = location_mismatch.params.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "rules.location_mismatch");
    };
    expect(problems({ requireLanguage: "yes" })).toEqual([expect.stringMatching(/^rules\.location_mismatch\.requireLanguage: /)]);
    expect(problems({ anyLanguages: ["en", "EN"] })).toEqual(["rules.location_mismatch.anyLanguages[1]: not a language code: 2 or 3 lower-case letters (ISO 639), e.g. sv"]);
    expect(problems({ countryLanguages: { fi: ["sv"] } })).toEqual(['rules.location_mismatch.countryLanguages.fi: "fi" is not a country code such as SE (ISO 3166-1 alpha-2, upper-case)']);
    expect(problems({ countryLanguages: { FI: ["swedish"] } })).toEqual([expect.stringMatching(/^rules\.location_mismatch\.countryLanguages\.FI\[0\]: not a language code/)]);
    expect(problems({ timezone: "loud" })).toEqual([expect.stringMatching(/^rules\.location_mismatch\.timezone: /)]);
  });
});
