import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Assessor, type SiteRules } from "../assess/assessor.js";
import { IdentifierHasher } from "../identity/hash.js";
import { Labeler } from "../labels.js";
import { DEFAULT_RULESET } from "../rules/default-ruleset.js";
import { parseRuleset, type Ruleset } from "../rules/ruleset.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import type { Label } from "../store/types.js";
import { TokenService } from "../token.js";
import { generateAttempts } from "./generate.js";
import { toAttempt, type BacktestAttempt } from "./input.js";
import { replay } from "./replay.js";

const FEWER_FREEZES = parseRuleset(JSON.parse(readFileSync(new URL("../../docs/examples/fewer-freezes.json", import.meta.url), "utf8")));

/**
 * The replay as the assess path does it, attempt by attempt: `Assessor.assessAttempt` on a memory
 * store (with the baseline as a shadow ruleset), each label through `Labeler` once its delay has
 * passed. Slow and simple: what the replay must give, rule hit for rule hit.
 */
async function replayThroughAssessor(input: BacktestAttempt[], candidate: Ruleset, baseline: Ruleset, labelDelayMs: number) {
  const attempts = [...input].sort((a, b) => a.tsMs - b.tsMs || a.line - b.line);
  const store = new MemoryStore();
  const tokens = await TokenService.open(store, { issuer: "backtest", ttlSeconds: 600 });
  const assessor = new Assessor({ store, tokens, hasher: new IdentifierHasher(Buffer.alloc(32, 7)), retentionMs: 10 * 365 * 86_400_000, enforceBudgets: false });
  const labeler = new Labeler(store);
  const site: SiteRules = { siteKey: "backtest", live: { name: "candidate", ruleset: candidate }, shadow: [{ name: "baseline", ruleset: baseline }] };
  const pending: { dueMs: number; attemptId: string; label: Label }[] = [];
  const decisions: { line: number; candidate: string; baseline: string; candidateRules: string[]; baselineRules: string[] }[] = [];
  for (const attempt of attempts) {
    while (pending.length > 0 && pending[0]!.dueMs <= attempt.tsMs) {
      const due = pending.shift()!;
      await labeler.label("backtest", { attempt: due.attemptId }, due.label);
    }
    const answer = await assessor.assessAttempt(site, {
      order: attempt.order,
      tokenStatus: "valid",
      nowMs: attempt.tsMs,
      ...(attempt.ip === undefined ? {} : { ip: attempt.ip }),
      ...(attempt.deviceId === undefined ? {} : { deviceId: attempt.deviceId }),
      ...(attempt.signals === undefined ? {} : { signals: attempt.signals }),
    });
    if (attempt.label) pending.push({ dueMs: attempt.tsMs + labelDelayMs, attemptId: answer.id, label: attempt.label });
    const record = await store.getAttempt(answer.id);
    decisions.push({
      line: attempt.line,
      candidate: answer.decision,
      baseline: answer.shadow[0]!.decision,
      candidateRules: answer.reasons.map((r) => r.rule),
      baselineRules: record!.shadowMatrix![0]!.reasons.map((r) => r.rule),
    });
  }
  return decisions;
}

function countHits(decisions: { candidateRules: string[]; baselineRules: string[] }[], which: "candidateRules" | "baselineRules") {
  const hits: Record<string, number> = {};
  for (const d of decisions) for (const rule of d[which]) hits[rule] = (hits[rule] ?? 0) + 1;
  return hits;
}

describe("replay", () => {
  it("decides every attempt of generated traffic exactly as the assess path does", async () => {
    let line = 0;
    const input: BacktestAttempt[] = [];
    // Three days of traffic, dense enough for velocity, linkage and graylist hops to fire.
    for (const { attempt } of generateAttempts({ seed: 7, orders: 1_500, days: 2 })) input.push(toAttempt(attempt, ++line));
    const labelDelayMs = 6 * 3_600_000;
    const expected = await replayThroughAssessor(input, DEFAULT_RULESET, FEWER_FREEZES, labelDelayMs);
    const result = await replay(input, { candidate: { name: "candidate", ruleset: DEFAULT_RULESET }, baseline: { name: "baseline", ruleset: FEWER_FREEZES }, labelDelayMs });

    expect(result.candidate.rules).toEqual(countHits(expected, "candidateRules"));
    expect(result.baseline!.rules).toEqual(countHits(expected, "baselineRules"));
    expect(result.candidate.rules.graylist).toBeGreaterThan(0);
    const changed = expected.filter((d) => d.candidate !== d.baseline);
    expect(result.changes!.map((c) => [c.line, c.baseline, c.candidate])).toEqual(changed.map((d) => [d.line, d.baseline, d.candidate]));
    for (const decision of ["allow", "challenge", "review", "deny"] as const) {
      expect(result.candidate.decisions[decision]).toBe(expected.filter((d) => d.candidate === decision).length);
      expect(result.baseline!.decisions[decision]).toBe(expected.filter((d) => d.baseline === decision).length);
    }
  }, 60_000);
});
