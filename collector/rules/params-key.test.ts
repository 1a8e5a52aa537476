import { describe, expect, it } from "vitest";
import { paramsKey } from "./params-key.js";
import { parseRuleset } from "./ruleset.js";
import { DEFAULT_RULESET, DEFAULT_RULESET_SOURCE } from "./default-ruleset.js";

describe("paramsKey", () => {
  it("is equal for equal parameters, however they were built", () => {
    const again = parseRuleset(DEFAULT_RULESET_SOURCE);
    DEFAULT_RULESET.rules.forEach((rule, i) => {
      expect(paramsKey(rule.params)).toBeDefined();
      expect(paramsKey(again.rules[i]!.params)).toBe(paramsKey(rule.params));
    });
    expect(paramsKey({ a: 1, b: undefined })).toBe(paramsKey({ a: 1 }));
  });

  it("differs for different values, types and nesting", () => {
    const keys = [
      { window: 3_600_000 },
      { window: 3_600_001 },
      { window: "3600000" },
      { window: [3_600_000] },
      { window: new Set([3_600_000]) },
      { window: new Map([[3_600_000, true]]) },
      { window: new Map([["3600000", true]]) },
      { window: { high: 1 } },
      { window: { high: 1, low: null } },
      ["a", "b"],
      ["a,b"],
      ["a", ["b"]],
      [["a"], "b"],
      { "a:": "b" },
      { a: ":b" },
      null,
      true,
      "true",
    ].map(paramsKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("recognises nothing it cannot compare", () => {
    expect(paramsKey({ at: new Date(0) })).toBeUndefined();
    expect(paramsKey({ check: () => true })).toBeUndefined();
    expect(paramsKey({ limit: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(paramsKey({ pattern: /x/ })).toBeUndefined();
    expect(paramsKey(undefined)).toBeUndefined();
  });
});
