import { describe, expect, it } from "vitest";
import { describeIssues } from "../validation.js";
import { basketAmount, describeAge, forCurrency, formatMoney, multipliers, perCurrency } from "./amounts.js";

describe("amounts", () => {
  it("formats minor units with the currency's own decimals", () => {
    expect(formatMoney(1_299_000, "SEK")).toBe("12,990.00 SEK");
    expect(formatMoney(15_000, "EUR")).toBe("150.00 EUR");
    expect(formatMoney(5000, "JPY")).toBe("5,000 JPY");
    expect(formatMoney(1234, "KWD")).toBe("1.234 KWD");
    expect(formatMoney(100, "XYZ")).toBe("1.00 XYZ");
  });

  it("groups thousands at every length, and writes a number past 2^53 as JavaScript does", () => {
    expect(formatMoney(0, "JPY")).toBe("0 JPY");
    expect(formatMoney(999, "JPY")).toBe("999 JPY");
    expect(formatMoney(1000, "JPY")).toBe("1,000 JPY");
    expect(formatMoney(100_000, "JPY")).toBe("100,000 JPY");
    expect(formatMoney(-123_456_789, "SEK")).toBe("-1,234,567.89 SEK");
    expect(formatMoney(1e13, "SEK")).toBe("100,000,000,000.00 SEK");
    expect(formatMoney(2 ** 53 + 2, "JPY")).toBe("9,007,199,254,740,994 JPY");
    expect(formatMoney(1e22, "JPY")).toBe("1e+22 JPY");
  });

  it("takes the order's amount, or adds up fully priced items", () => {
    expect(basketAmount({ id: "o", amount: 100, items: [{ quantity: 2, unitPrice: 1 }] })).toBe(100);
    expect(basketAmount({ id: "o", items: [{ quantity: 2, unitPrice: 150 }, { quantity: 1, unitPrice: 5 }] })).toBe(305);
    expect(basketAmount({ id: "o", items: [{ quantity: 2, unitPrice: 150 }, { quantity: 1 }] })).toBeUndefined();
    expect(basketAmount({ id: "o" })).toBeUndefined();
  });

  it("reads a per-currency table only for listed currencies", () => {
    const table = perCurrency.parse({ SEK: 150_000 });
    expect(forCurrency(table, "SEK")).toBe(150_000);
    expect(forCurrency(table, "EUR")).toBeUndefined();
    expect(forCurrency(table, undefined)).toBeUndefined();
    expect(forCurrency(table, "constructor")).toBeUndefined();
  });

  it("describes ages in the unit an analyst would use", () => {
    expect(describeAge(42_000)).toBe("42 seconds");
    expect(describeAge(60_000)).toBe("1 minute");
    expect(describeAge(240_000)).toBe("4 minutes");
    expect(describeAge(5_400_000)).toBe("1.5 hours");
    expect(describeAge(36 * 3_600_000)).toBe("36 hours");
    expect(describeAge(3 * 86_400_000)).toBe("3 days");
  });

  it("refuses multipliers below 1 or out of order", () => {
    const problems = (raw: unknown) => {
      const result = multipliers.safeParse(raw);
      return result.success ? [] : describeIssues(result.error, "m");
    };
    expect(problems({ low: 2.5, medium: 5, high: 12.5 })).toEqual([]);
    expect(problems({ medium: 0 })).toEqual(["m.medium: at least 1 (×1 is the typical amount itself)"]);
    expect(problems({ low: 5, medium: 5 })).toEqual(["m.medium: medium (5) must be above low (5), or low can never fire"]);
    expect(problems({ extreme: 5 })).toEqual([expect.stringMatching(/^m: /), "m: at least one of low, medium, high"]);
  });
});
