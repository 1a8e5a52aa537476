import { describe, expect, it } from "vitest";

/** The built modules: the replay's worker thread runs from dist/, as `vakt backtest` runs it. */
const dist = (path: string) => import(new URL(`../../dist/collector/${path}`, import.meta.url).href);

describe("backtest replay on two threads", () => {
  it("gives exactly the one-thread result: counts, rule order, precision and changes", async () => {
    const { replay } = await dist("backtest/replay.js");
    const { generateAttempts } = await dist("backtest/generate.js");
    const { toAttempt } = await dist("backtest/input.js");
    const { DEFAULT_RULESET } = await dist("rules/default-ruleset.js");
    const { parseRuleset } = await dist("rules/ruleset.js");
    // A baseline that decides differently from the default on many attempts, with rules of its own and rules in common.
    const baseline = parseRuleset({
      policy: { review: { high: 1 }, challenge: { medium: 1 } },
      rules: { graylist: {}, phone_country: {}, device_identities: { window: "1h", thresholds: { medium: 2, high: 3 }, kinds: ["email"] } },
    });
    const input: unknown[] = [];
    let line = 0;
    for (const { attempt } of generateAttempts({ seed: 3, orders: 3_000, days: 3 })) input.push(toAttempt(attempt, ++line));
    const options = { candidate: { name: "default", ruleset: DEFAULT_RULESET }, baseline: { name: "strict", ruleset: baseline }, labelDelayMs: 12 * 3_600_000 };

    const one = await replay(input, { ...options, threads: 1 });
    const two = await replay(input, { ...options, threads: 2 });
    const comparable = ({ durationMs: _d, attemptsPerSecond: _a, ...rest }: Record<string, unknown>) => JSON.stringify(rest);
    expect(comparable(two)).toBe(comparable(one));
    expect(one.changed).toBeGreaterThan(0);
    expect(Object.keys(one.candidate.rules).length).toBeGreaterThan(5);
  }, 120_000);
});
