import { loadCsvMapping } from "../collector/backtest/csv.js";
import { generateAttempts } from "../collector/backtest/generate.js";
import { readAttempts, toAttempt, type BacktestAttempt } from "../collector/backtest/input.js";
import { replay } from "../collector/backtest/replay.js";
import { DEFAULT_RULESET } from "../collector/rules/default-ruleset.js";

export interface BacktestBenchResult {
  input: string;
  attempts: number;
  attemptsPerSecond: number;
  seconds: number;
}

/** Replay throughput of the default ruleset, on generated traffic and on the real sample when it is beside the project. */
export async function benchBacktest(options: { generated?: number; samplePath?: string; mappingPath?: string } = {}): Promise<BacktestBenchResult[]> {
  const results: BacktestBenchResult[] = [];
  const generated: BacktestAttempt[] = [];
  let line = 0;
  for (const { attempt } of generateAttempts({ seed: 1, orders: options.generated ?? 20_000 })) generated.push(toAttempt(attempt, ++line));
  results.push(await measure(`generated (seed 1)`, generated));
  if (options.samplePath && options.mappingPath) {
    const { attempts } = await readAttempts(options.samplePath, { csv: loadCsvMapping(options.mappingPath) });
    results.push(await measure("ecommerce-fraud-sample.csv", attempts));
  }
  return results;
}

async function measure(input: string, attempts: BacktestAttempt[]): Promise<BacktestBenchResult> {
  const result = await replay(attempts, { candidate: { name: "default", ruleset: DEFAULT_RULESET }, labelDelayMs: 7 * 86_400_000 });
  return { input, attempts: attempts.length, attemptsPerSecond: Math.round(result.attemptsPerSecond), seconds: Math.round(result.durationMs) / 1000 };
}
