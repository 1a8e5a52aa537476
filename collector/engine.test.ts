import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { evaluate, historyReach, lookbackMs } from "./engine.js";
import { RULES } from "./rules/index.js";
import { DEFAULT_RULESET } from "./rules/default-ruleset.js";
import { policySchema } from "./rules/policy.js";
import type { ConfiguredRule, Ruleset } from "./rules/ruleset.js";
import type { RuleContext, RuleDefinition, RuleOutcome, Severity } from "./rules/types.js";

const POLICY = policySchema.parse({ deny: { high: 3 }, review: { high: 1, medium: 3 }, challenge: { medium: 1 } });

const CTX: RuleContext = {
  nowMs: Date.UTC(2026, 10, 20, 12),
  siteKey: "pk_test_demo",
  order: { id: "ord_1" },
  ids: {},
  history: {},
  graylist: {},
  tokenStatus: "valid",
  signals: undefined,
};

function rule(
  id: string,
  evaluateRule: RuleDefinition["evaluate"],
  options: { budgetMs?: number; onTimeout?: Severity; lookbackMs?: number } = {},
): ConfiguredRule {
  const definition: RuleDefinition = { id, params: z.strictObject({}), evaluate: evaluateRule };
  if (options.lookbackMs !== undefined) {
    const ms = options.lookbackMs;
    definition.lookbackMs = () => ms;
  }
  return { definition, params: {}, budgetMs: options.budgetMs ?? 25, onTimeout: options.onTimeout ?? "none" };
}

const finds = (severity: Severity, detail?: string) => (): RuleOutcome => (detail === undefined ? { severity } : { severity, detail });
const findsLater = (ms: number, severity: Severity) => async (): Promise<RuleOutcome> => {
  await sleep(ms);
  return { severity, detail: `found after ${ms}ms` };
};
const ruleset = (...rules: ConfiguredRule[]): Ruleset => ({ policy: POLICY, rules });

describe("evaluate", () => {
  it("lists every rule in the matrix with exactly rule, severity, ms and status, its detail only among the reasons", async () => {
    const result = await evaluate(ruleset(rule("quiet", finds("none")), rule("noted", finds("none", "seen once")), rule("hit", finds("medium", "seen twice"))), CTX);
    expect(result.matrix.map((row) => Object.keys(row))).toEqual([0, 1, 2].map(() => ["rule", "severity", "ms", "status"]));
    expect(result.matrix.map((row) => [row.rule, row.severity, row.status])).toEqual([["quiet", "none", "ok"], ["noted", "none", "ok"], ["hit", "medium", "ok"]]);
    expect(result.reasons).toEqual([{ rule: "hit", severity: "medium", detail: "seen twice" }]);
  });

  it("gives an async rule slower than its budget status timeout and its onTimeout severity, without waiting for it", async () => {
    const started = performance.now();
    const result = await evaluate(ruleset(rule("slow", findsLater(1000, "none"), { budgetMs: 20, onTimeout: "medium" })), CTX);
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.matrix).toEqual([{ rule: "slow", severity: "medium", ms: expect.any(Number), status: "timeout" }]);
    expect(result.matrix[0]!.ms).toBeGreaterThanOrEqual(20 - 1);
    expect(result.reasons).toEqual([{ rule: "slow", severity: "medium", detail: expect.stringContaining("missed its time budget") }]);
    expect(result.decision).toBe("challenge");
  });

  it("ignores what a timed-out rule finds later, however severe", async () => {
    const result = await evaluate(ruleset(rule("slow", findsLater(100, "high"), { budgetMs: 10, onTimeout: "low" })), CTX);
    expect(result.matrix[0]).toMatchObject({ severity: "low", status: "timeout" });
    expect(result.decision).toBe("allow");
  });

  it("times out a synchronous rule that ran past its budget", async () => {
    const busy = () => {
      const until = performance.now() + 30;
      while (performance.now() < until);
      return { severity: "none" as const };
    };
    const result = await evaluate(ruleset(rule("busy", busy, { budgetMs: 5, onTimeout: "high" })), CTX);
    expect(result.matrix[0]).toMatchObject({ rule: "busy", severity: "high", status: "timeout" });
    expect(result.decision).toBe("review");
  });

  it("keeps the result of a rule that answers within its budget", async () => {
    const result = await evaluate(ruleset(rule("quick", findsLater(5, "medium"), { budgetMs: 2000, onTimeout: "high" })), CTX);
    expect(result.matrix[0]).toMatchObject({ severity: "medium", status: "ok" });
    expect(result.reasons).toEqual([{ rule: "quick", severity: "medium", detail: "found after 5ms" }]);
  });

  it("gives a throwing rule status error and its onTimeout severity; the other rules still run and the decision completes", async () => {
    let laterRan = false;
    const result = await evaluate(
      ruleset(
        rule("first", finds("medium", "first finding")),
        rule("throws", () => {
          throw new Error("boom");
        }, { onTimeout: "high" }),
        rule("rejects", async () => {
          throw new Error("async boom");
        }, { onTimeout: "low" }),
        rule("later", () => {
          laterRan = true;
          return { severity: "none" };
        }),
      ),
      CTX,
    );
    expect(laterRan).toBe(true);
    expect(result.matrix.map(({ rule, severity, status }) => ({ rule, severity, status }))).toEqual([
      { rule: "first", severity: "medium", status: "ok" },
      { rule: "throws", severity: "high", status: "error" },
      { rule: "rejects", severity: "low", status: "error" },
      { rule: "later", severity: "none", status: "ok" },
    ]);
    expect(result.reasons).toEqual([
      { rule: "first", severity: "medium", detail: "first finding" },
      { rule: "throws", severity: "high", detail: expect.stringContaining("failed") },
      { rule: "rejects", severity: "low", detail: expect.stringContaining("failed") },
    ]);
    expect(result.reasons[1]!.detail).not.toContain("boom");
    expect(result.decision).toBe("review");
  });

  it("survives a rule that fails after it has missed its budget", async () => {
    const failsLate = async (): Promise<RuleOutcome> => {
      await sleep(50);
      throw new Error("late failure");
    };
    const result = await evaluate(ruleset(rule("late", failsLate, { budgetMs: 5 })), CTX);
    expect(result.matrix[0]).toMatchObject({ status: "timeout", severity: "none" });
    await sleep(80);
  });

  it("lists the matrix in ruleset order, whichever rule finishes first, with ms ≥ 0", async () => {
    const result = await evaluate(
      ruleset(
        rule("c_slowest", findsLater(40, "none"), { budgetMs: 1000 }),
        rule("a_sync", finds("none")),
        rule("b_slow", findsLater(10, "low"), { budgetMs: 1000 }),
      ),
      CTX,
    );
    expect(result.matrix.map((m) => m.rule)).toEqual(["c_slowest", "a_sync", "b_slow"]);
    for (const execution of result.matrix) {
      expect(execution.ms).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(execution.ms)).toBe(true);
      expect(execution).not.toHaveProperty("detail");
    }
    expect(result.matrix[0]!.ms).toBeGreaterThanOrEqual(result.matrix[1]!.ms);
  });

  it("gives reasons only for rules that found something, in ruleset order", async () => {
    const result = await evaluate(
      ruleset(rule("r1", finds("none", "nothing here")), rule("r2", finds("low", "a little")), rule("r3", finds("none")), rule("r4", finds("high"))),
      CTX,
    );
    expect(result.reasons).toEqual([
      { rule: "r2", severity: "low", detail: "a little" },
      { rule: "r4", severity: "high", detail: "r4" },
    ]);
    expect(result.matrix).toHaveLength(4);
  });

  it("does not give a reason for a timed-out rule whose onTimeout is none", async () => {
    const result = await evaluate(ruleset(rule("slow", findsLater(200, "high"), { budgetMs: 5 })), CTX);
    expect(result.matrix[0]).toMatchObject({ status: "timeout", severity: "none" });
    expect(result.reasons).toEqual([]);
    expect(result.decision).toBe("allow");
  });

  it("decides and scores from the policy over all severities", async () => {
    const all = await evaluate(ruleset(rule("a", finds("high")), rule("b", finds("high")), rule("c", finds("high"))), CTX);
    expect(all.decision).toBe("deny");
    expect(all.score).toBe(100);
    const none = await evaluate(ruleset(rule("a", finds("none"))), CTX);
    expect(none).toMatchObject({ decision: "allow", score: 0, reasons: [] });
    const empty = await evaluate(ruleset(), CTX);
    expect(empty).toEqual({ decision: "allow", score: 0, reasons: [], matrix: [] });
  });

  it("challenges a checkout without a token under the default ruleset, listing every default rule", async () => {
    const result = await evaluate(DEFAULT_RULESET, { ...CTX, tokenStatus: "missing" });
    expect(result.decision).toBe("challenge");
    expect(result.reasons).toEqual([{ rule: "token", severity: "medium", detail: expect.stringContaining("without a risk token") }]);
    expect(result.matrix.map((m) => m.rule)).toEqual(DEFAULT_RULESET.rules.map((r) => r.definition.id));
    expect(result.matrix.every((m) => m.status === "ok")).toBe(true);
  });
});

describe("lookbackMs", () => {
  it("takes the longest window of any rule in any ruleset", () => {
    const a = ruleset(rule("a1", finds("none"), { lookbackMs: 3_600_000 }), rule("a2", finds("none")));
    const b = ruleset(rule("b1", finds("none"), { lookbackMs: 86_400_000 }), rule("b2", finds("none"), { lookbackMs: 60_000 }));
    expect(lookbackMs([a, b])).toBe(86_400_000);
    expect(lookbackMs([b, a])).toBe(86_400_000);
    expect(lookbackMs([a])).toBe(3_600_000);
  });

  it("is 0 for rules that look at no history, and for no rulesets", () => {
    expect(lookbackMs([ruleset(rule("x", finds("none")))])).toBe(0);
    expect(lookbackMs([])).toBe(0);
  });

  it("reads the windows of the default ruleset (address_names looks back 30 days)", () => {
    expect(lookbackMs([DEFAULT_RULESET])).toBe(30 * 86_400_000);
  });
});

describe("historyReach", () => {
  const reading = (id: string, reads: RuleDefinition["reads"]): ConfiguredRule => {
    const configured = rule(id, finds("none"));
    configured.definition.reads = reads;
    return configured;
  };

  it("takes per kind the longest read of any rule in any ruleset, and leaves out kinds no rule reads", () => {
    const a = ruleset(reading("a1", () => ({ ip: 3_600_000 })), reading("a2", () => ({})));
    const b = ruleset(reading("b1", () => ({ ip: 60_000, email: Infinity })));
    expect(historyReach([a, b])).toEqual({ ip: 3_600_000, email: Infinity });
    expect(historyReach([a])).toEqual({ ip: 3_600_000 });
    expect(historyReach([])).toEqual({});
  });

  it("reads every kind over the whole retention for a rule that does not declare what it reads", () => {
    const reach = historyReach([ruleset(reading("a1", () => ({ ip: 60_000 })), rule("undeclared", finds("none")))]);
    expect(reach).toEqual({ device: Infinity, ip: Infinity, ip_net: Infinity, email: Infinity, phone: Infinity, card: Infinity, customer: Infinity, name: Infinity, address: Infinity });
  });

  it("reads the default ruleset's windows per kind: the IP and its network for an hour, the name not at all", () => {
    const reach = historyReach([DEFAULT_RULESET]);
    expect(reach.ip).toBe(3_600_000);
    expect(reach.ip_net).toBe(3_600_000);
    expect(reach.name).toBeUndefined();
    expect(reach.customer).toBe(Infinity);
    expect(reach.email).toBe(Infinity);
    expect(reach.address).toBe(30 * 86_400_000);
  });

  it("has a declaration for every built-in rule", () => {
    for (const definition of RULES) {
      expect(definition.reads, definition.id).toBeDefined();
    }
  });
});

describe("evaluate without enforced budgets (backtests)", () => {
  const slowSync: RuleDefinition<unknown> = {
    id: "slow_sync",
    params: z.strictObject({}),
    evaluate() {
      const until = performance.now() + 5;
      while (performance.now() < until) {
        // busy: longer than the 1 ms budget
      }
      return { severity: "medium", detail: "slow" };
    },
  };

  it("never marks a slow rule as a timeout, so a replay's decisions do not depend on the machine's speed", async () => {
    const ruleset: Ruleset = { policy: { challenge: { medium: 1 } }, rules: [{ definition: slowSync, params: {}, budgetMs: 1, onTimeout: "none" }] };
    const enforced = await evaluate(ruleset, CTX);
    expect(enforced.matrix[0]!.status).toBe("timeout");
    const replayed = await evaluate(ruleset, CTX, { enforceBudgets: false });
    expect(replayed.matrix[0]).toMatchObject({ status: "ok", severity: "medium" });
    expect(replayed.decision).toBe("challenge");
  });

  it("leaves every ms at 0 when not timed, with the same outcomes; enforced budgets are timed all the same", async () => {
    const slow: ConfiguredRule = { definition: slowSync, params: {}, budgetMs: 1, onTimeout: "none" };
    const untimed = await evaluate(ruleset(slow, rule("hit", finds("high", "seen"))), { ...CTX }, { enforceBudgets: false, isTimed: false });
    expect(untimed.matrix).toEqual([
      { rule: "slow_sync", severity: "medium", ms: 0, status: "ok" },
      { rule: "hit", severity: "high", ms: 0, status: "ok" },
    ]);
    expect(untimed.reasons).toEqual([
      { rule: "slow_sync", severity: "medium", detail: "slow" },
      { rule: "hit", severity: "high", detail: "seen" },
    ]);
    const enforced = await evaluate(ruleset(slow), { ...CTX }, { isTimed: false });
    expect(enforced.matrix[0]!.status).toBe("timeout");
    expect(enforced.matrix[0]!.ms).toBeGreaterThan(1);
  });
});

describe("evaluate beside another ruleset on the same attempt (shadows, a backtest's baseline)", () => {
  const counting = () => {
    const calls: number[] = [];
    const definition: RuleDefinition<{ level: Severity }> = {
      id: "counting",
      params: z.strictObject({ level: z.enum(["none", "low", "medium", "high"]) }),
      evaluate(_ctx, p) {
        calls.push(1);
        return { severity: p.level, detail: `level ${p.level}` };
      },
    };
    return { calls, rule: (level: Severity, budgetMs = 25): ConfiguredRule => ({ definition, params: { level }, budgetMs, onTimeout: "none" }) };
  };

  it("runs a rule with the same parameters once and gives both rulesets its outcome", async () => {
    const { calls, rule: same } = counting();
    const ctx = { ...CTX };
    const live = await evaluate(ruleset(same("high")), ctx);
    const shadow = await evaluate(ruleset(same("high")), ctx);
    expect(calls).toHaveLength(1);
    expect(shadow.matrix).toEqual([{ rule: "counting", severity: "high", ms: live.matrix[0]!.ms, status: "ok" }]);
    expect(shadow.reasons).toEqual([{ rule: "counting", severity: "high", detail: "level high" }]);
    expect(shadow.decision).toBe("review");
  });

  it("runs the rule again with other parameters, on another attempt, or after it failed", async () => {
    const { calls, rule: same } = counting();
    const ctx = { ...CTX };
    await evaluate(ruleset(same("high")), ctx);
    const other = await evaluate(ruleset(same("low")), ctx);
    expect(other.matrix[0]!.severity).toBe("low");
    await evaluate(ruleset(same("high")), { ...CTX });
    expect(calls).toHaveLength(3);

    const throwing: RuleDefinition = { id: "throws", params: z.strictObject({}), evaluate: () => { calls.push(1); throw new Error("boom"); } };
    const failing: ConfiguredRule = { definition: throwing, params: {}, budgetMs: 25, onTimeout: "low" };
    const next = { ...CTX };
    await evaluate(ruleset(failing), next);
    const again = await evaluate(ruleset({ ...failing, onTimeout: "high" }), next);
    expect(calls).toHaveLength(5);
    expect(again.matrix[0]).toMatchObject({ severity: "high", status: "error" });
  });

  it("keeps nothing for the next ruleset when told the evaluation is not shared", async () => {
    const { calls, rule: same } = counting();
    const ctx = { ...CTX };
    await evaluate(ruleset(same("high")), ctx, { isShared: false });
    const next = await evaluate(ruleset(same("high")), ctx);
    expect(calls).toHaveLength(2);
    expect(next.decision).toBe("review");
    await evaluate(ruleset(same("high")), ctx);
    expect(calls).toHaveLength(2);
  });
});
