import { describe, expect, it } from "vitest";
import { DEFAULT_RULESET_SOURCE } from "./default-ruleset.js";
import { parseRuleset, RulesetError } from "./ruleset.js";

const POLICY = { deny: { high: 3 }, review: { high: 1, medium: 3 }, challenge: { medium: 1 } };

/** The problems a ruleset is refused with; fails the test if it is accepted. */
function problemsOf(raw: unknown, pathPrefix?: string): string[] {
  try {
    parseRuleset(raw, pathPrefix);
  } catch (err) {
    expect(err).toBeInstanceOf(RulesetError);
    return (err as RulesetError).problems;
  }
  throw new Error("the ruleset was accepted");
}

const withRule = (id: string, entry: unknown) => ({ policy: POLICY, rules: { [id]: entry } });

describe("parseRuleset", () => {
  it("accepts the built-in default ruleset, keeping its rules in order with the common defaults", () => {
    const ruleset = parseRuleset(DEFAULT_RULESET_SOURCE);
    expect(ruleset.rules.map((r) => r.definition.id)).toEqual(Object.keys(DEFAULT_RULESET_SOURCE.rules));
    expect(ruleset.policy).toEqual(DEFAULT_RULESET_SOURCE.policy);
    expect(ruleset.description).toBe(DEFAULT_RULESET_SOURCE.description);
    for (const rule of ruleset.rules) {
      expect(rule.budgetMs).toBeGreaterThan(0);
      expect(rule.onTimeout).toBe("none");
    }
  });

  it("carries windows as milliseconds and keeps the configured budget and timeout severity", () => {
    const ruleset = parseRuleset(withRule("device_velocity", { window: "90m", thresholds: { medium: 5 }, budgetMs: 40, onTimeout: "medium" }));
    expect(ruleset.rules).toHaveLength(1);
    expect(ruleset.rules[0]!.params).toEqual({ window: 90 * 60_000, thresholds: { medium: 5 } });
    expect(ruleset.rules[0]!.budgetMs).toBe(40);
    expect(ruleset.rules[0]!.onTimeout).toBe("medium");
  });

  it("fills a rule's own parameter defaults when the entry is empty", () => {
    const ruleset = parseRuleset(withRule("graylist", {}));
    expect(ruleset.rules[0]!.params).toEqual({ severity: "high", kinds: { ip: "low", ip_net: "none", name: "low" }, hopSeverity: "medium", trustedLowersBy: 1 });
  });

  it("refuses an unknown rule, naming it and listing the known ones", () => {
    const [problem, ...rest] = problemsOf(withRule("nope", {}));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^rules\.nope: unknown rule /);
    expect(problem).toContain("device_velocity");
  });

  it.each(["-3h", "3 hours", "0h", "h", "24", ""])("refuses the window %j", (window) => {
    expect(problemsOf(withRule("device_velocity", { window, thresholds: { high: 2 } }))).toEqual([
      expect.stringMatching(/^rules\.device_velocity\.window: not a duration/),
    ]);
  });

  it("refuses thresholds where a lower level could never fire, naming the level", () => {
    const problems = problemsOf(withRule("device_velocity", { window: "1h", thresholds: { low: 5, medium: 3 } }));
    expect(problems).toEqual([expect.stringMatching(/^rules\.device_velocity\.thresholds\.medium: /)]);
    expect(problems[0]).toContain("low can never fire");
    expect(problemsOf(withRule("device_velocity", { window: "1h", thresholds: { medium: 4, high: 4 } }))).toEqual([
      expect.stringMatching(/^rules\.device_velocity\.thresholds\.high: /),
    ]);
    expect(problemsOf(withRule("device_velocity", { window: "1h", thresholds: { low: 5, high: 5 } }))).toEqual([
      expect.stringMatching(/^rules\.device_velocity\.thresholds\.high: /),
    ]);
  });

  it("refuses missing or empty thresholds", () => {
    expect(problemsOf(withRule("device_velocity", { window: "1h" }))).toEqual([expect.stringMatching(/^rules\.device_velocity\.thresholds: /)]);
    expect(problemsOf(withRule("device_velocity", { window: "1h", thresholds: {} }))).toEqual([
      "rules.device_velocity.thresholds: at least one of low, medium, high",
    ]);
    expect(problemsOf(withRule("device_velocity", { window: "1h", thresholds: { medium: 0 } }))).toEqual([
      expect.stringMatching(/^rules\.device_velocity\.thresholds\.medium: /),
    ]);
  });

  it("refuses an unknown parameter, naming it", () => {
    const problems = problemsOf(withRule("token", { mising: "high" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^rules\.token: /);
    expect(problems[0]).toContain("mising");
  });

  it("refuses a budgetMs that is not positive", () => {
    expect(problemsOf(withRule("token", { budgetMs: -5 }))).toEqual([expect.stringMatching(/^rules\.token\.budgetMs: /)]);
    expect(problemsOf(withRule("token", { budgetMs: 0 }))).toEqual([expect.stringMatching(/^rules\.token\.budgetMs: /)]);
  });

  it("refuses an onTimeout that is not a severity", () => {
    expect(problemsOf(withRule("token", { onTimeout: "critical" }))).toEqual([expect.stringMatching(/^rules\.token\.onTimeout: /)]);
  });

  it("refuses a ruleset without a policy", () => {
    expect(problemsOf({ rules: { token: {} } })).toEqual([expect.stringMatching(/^policy: /)]);
  });

  it("refuses a policy level without any count, and an unknown level", () => {
    expect(problemsOf({ policy: { review: {} }, rules: {} })).toEqual(["policy.review: at least one of high, medium, low"]);
    expect(problemsOf({ policy: { block: { high: 1 } }, rules: {} })).toEqual([expect.stringMatching(/^policy: .*block/)]);
    expect(problemsOf({ policy: { deny: { high: 0 } }, rules: {} })).toEqual([expect.stringMatching(/^policy\.deny\.high: /)]);
  });

  it("reports every problem in the rules at once", () => {
    const problems = problemsOf({
      policy: POLICY,
      rules: {
        nope: {},
        device_velocity: { window: "soon", thresholds: { medium: 3, high: 3 } },
        token: { budgetMs: 0 },
        graylist: { severity: "none" },
      },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^rules\.nope: unknown rule/),
      expect.stringMatching(/^rules\.device_velocity\.window: not a duration/),
      expect.stringMatching(/^rules\.device_velocity\.thresholds\.high: /),
      expect.stringMatching(/^rules\.token\.budgetMs: /),
      expect.stringMatching(/^rules\.graylist\.severity: /),
    ]);
  });

  it("reports a missing policy and a bad rule together", () => {
    const problems = problemsOf({ rules: { nope: {} } });
    expect(problems).toEqual([expect.stringMatching(/^policy: /), expect.stringMatching(/^rules\.nope: unknown rule/)]);
  });

  it("puts the path prefix in front of every problem", () => {
    const problems = problemsOf(
      { policy: { review: {} }, rules: { device_velocity: { window: "3 hours", thresholds: { high: 1 } } }, extra: true },
      "rulesets.strict",
    );
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^rulesets\.strict[.:]/);
    expect(problems).toContainEqual("rulesets.strict.policy.review: at least one of high, medium, low");

    expect(problemsOf(withRule("device_velocity", { window: "3 hours", thresholds: { high: 1 } }), "rulesets.strict")).toEqual([
      expect.stringMatching(/^rulesets\.strict\.rules\.device_velocity\.window: not a duration/),
    ]);
  });

  it("refuses a ruleset that is not an object", () => {
    for (const raw of [null, "default", 42, []]) expect(problemsOf(raw).length).toBeGreaterThan(0);
  });
});
