import { readFileSync } from "node:fs";
import { loadCsvMapping } from "../collector/backtest/csv.js";
import { generateAttempts } from "../collector/backtest/generate.js";
import { readAttempts, toAttempt, type BacktestAttempt } from "../collector/backtest/input.js";
import { replay, replayThreads } from "../collector/backtest/replay.js";
import { DEFAULT_RULESET } from "../collector/rules/default-ruleset.js";
import { parseRuleset } from "../collector/rules/ruleset.js";
import { machine, type Machine } from "./machine.js";

export interface BacktestBenchResult {
  input: string;
  attempts: number;
  attemptsPerSecond: number;
  seconds: number;
  /** CPU time the process used during the replay: on a shared machine, attempts per CPU second drift less than per wall second. */
  cpuSeconds: number;
  rulesets: string[];
  /** Threads the replay ran on (the main thread, and a worker sharing the rule evaluation). */
  threads: number;
  machine: Machine;
}

const BASELINE_PATH = new URL("../../docs/examples/fewer-freezes.json", import.meta.url);

/**
 * Replay throughput, with a 7-day label delay, on 100,000 generated attempts: the default ruleset
 * alone (issue #5's target) and with the fewer-freezes example as its baseline (issue #8: candidate
 * plus baseline); and the real sample alone and with the baseline, when it is beside the project.
 * Only the replay is timed, not reading the input.
 */
export async function benchBacktest(options: { generated?: number; samplePath?: string; mappingPath?: string } = {}): Promise<BacktestBenchResult[]> {
  const results: BacktestBenchResult[] = [];
  const generated: BacktestAttempt[] = [];
  let line = 0;
  for (const { attempt } of generateAttempts({ seed: 1, orders: options.generated ?? 100_000 })) generated.push(toAttempt(attempt, ++line));
  results.push(await measure("generated (seed 1)", generated, false));
  results.push(await measure("generated (seed 1)", generated, true));
  if (options.samplePath && options.mappingPath) {
    const { attempts } = await readAttempts(options.samplePath, { csv: loadCsvMapping(options.mappingPath) });
    results.push(await measure("ecommerce-fraud-sample.csv", attempts, false));
    results.push(await measure("ecommerce-fraud-sample.csv", attempts, true));
  }
  return results;
}

async function measure(input: string, attempts: BacktestAttempt[], withBaseline: boolean): Promise<BacktestBenchResult> {
  const baseline = parseRuleset(JSON.parse(readFileSync(BASELINE_PATH, "utf8")));
  const at = machine();
  const cpuBefore = process.cpuUsage();
  const result = await replay(attempts, {
    candidate: { name: "default", ruleset: DEFAULT_RULESET },
    ...(withBaseline ? { baseline: { name: "fewer-freezes", ruleset: baseline } } : {}),
    labelDelayMs: 7 * 86_400_000,
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    input: withBaseline ? `${input} with baseline fewer-freezes` : input,
    attempts: attempts.length,
    attemptsPerSecond: Math.round(result.attemptsPerSecond),
    seconds: Math.round(result.durationMs) / 1000,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    rulesets: withBaseline ? ["default", "fewer-freezes"] : ["default"],
    threads: replayThreads(attempts.length),
    machine: at,
  };
}
