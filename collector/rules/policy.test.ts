import { describe, expect, it } from "vitest";
import { decide, policySchema, score, type Policy } from "./policy.js";
import type { Severity } from "./types.js";

// The contract's example policy (section 6): first match from deny down, otherwise allow.
const POLICY: Policy = policySchema.parse({ deny: { high: 3 }, review: { high: 1, medium: 3 }, challenge: { medium: 1 } });

const times = (n: number, severity: Severity): Severity[] => Array.from({ length: n }, () => severity);

describe("decide with the contract's example policy", () => {
  it.each<[string, Severity[], string]>([
    ["no findings", [], "allow"],
    ["only rules that found nothing", times(6, "none"), "allow"],
    ["one low", ["low"], "allow"],
    ["many lows", times(10, "low"), "allow"],
    ["one medium", ["medium"], "challenge"],
    ["two mediums", times(2, "medium"), "challenge"],
    ["three mediums", times(3, "medium"), "review"],
    ["one high", ["high"], "review"],
    ["two highs", times(2, "high"), "review"],
    ["three highs", times(3, "high"), "deny"],
    ["three highs among other findings", ["none", "high", "low", "high", "medium", "high"], "deny"],
    ["two highs and a medium", ["high", "high", "medium"], "review"],
    ["one medium among lows and nones", ["none", "low", "medium", "low"], "challenge"],
  ])("%s → %s", (_, severities, expected) => {
    expect(decide(POLICY, severities)).toBe(expected);
  });
});

describe("decide", () => {
  it("counts a high as a medium: 2 highs + 1 medium reach { medium: 3 }", () => {
    const policy = policySchema.parse({ review: { medium: 3 } });
    expect(decide(policy, ["high", "high", "medium"])).toBe("review");
    expect(decide(policy, ["high", "high"])).toBe("allow");
    expect(decide(policy, ["high", "high", "low"])).toBe("allow");
  });

  it("counts mediums and highs as lows", () => {
    const policy = policySchema.parse({ challenge: { low: 3 } });
    expect(decide(policy, ["low", "medium", "high"])).toBe("challenge");
    expect(decide(policy, ["low", "low", "none"])).toBe("allow");
  });

  it("takes the first match from deny down", () => {
    const policy = policySchema.parse({ deny: { medium: 2 }, review: { medium: 1 }, challenge: { low: 1 } });
    expect(decide(policy, ["medium", "medium"])).toBe("deny");
    expect(decide(policy, ["medium"])).toBe("review");
    expect(decide(policy, ["low"])).toBe("challenge");
  });

  it("matches a level when any one of its counts is reached", () => {
    const policy = policySchema.parse({ review: { high: 1, low: 4 } });
    expect(decide(policy, times(4, "low"))).toBe("review");
    expect(decide(policy, ["high"])).toBe("review");
    expect(decide(policy, times(3, "low"))).toBe("allow");
  });

  it("allows everything under an empty policy", () => {
    const empty = policySchema.parse({});
    expect(decide(empty, [])).toBe("allow");
    expect(decide(empty, times(10, "high"))).toBe("allow");
  });
});

describe("score", () => {
  it("is 0 without findings", () => {
    expect(score([])).toBe(0);
    expect(score(times(5, "none"))).toBe(0);
  });

  it("ranks high above medium above low", () => {
    expect(score(["low"])).toBeGreaterThan(0);
    expect(score(["medium"])).toBeGreaterThan(score(["low"]));
    expect(score(["high"])).toBeGreaterThan(score(["medium"]));
  });

  it("is capped at 100", () => {
    expect(score(times(10, "high"))).toBe(100);
    expect(score(times(50, "medium"))).toBe(100);
  });

  it("never falls when a finding is added or raised", () => {
    const levels: Severity[] = ["none", "low", "medium", "high"];
    let severities: Severity[] = [];
    let previous = score(severities);
    for (let i = 0; i < 12; i++) {
      severities = [...severities, levels[i % 4]!];
      const next = score(severities);
      expect(next).toBeGreaterThanOrEqual(previous);
      expect(next).toBeLessThanOrEqual(100);
      previous = next;
    }
    for (let i = 0; i < 3; i++) {
      expect(score(["medium", levels[i + 1]!])).toBeGreaterThanOrEqual(score(["medium", levels[i]!]));
    }
  });

  it("is an integer between 0 and 100", () => {
    for (const severities of [[], ["low"], ["low", "medium"], times(7, "high")] as Severity[][]) {
      const value = score(severities);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
  });
});
