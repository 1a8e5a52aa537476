import { execFileSync } from "node:child_process";
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCsvMapping, type CsvMapping } from "../collector/backtest/csv.js";
import { replayFile } from "../collector/backtest/replay-file.js";
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
  /** The whole of what `vakt backtest` waits for: reading the file and replaying it. */
  readAndReplaySeconds: number;
  rulesets: string[];
  /** Threads the replay ran on (the main thread, and a worker sharing the rule evaluation). */
  threads: number;
  /**
   * When the replay was run more than once: each run's attempts/s, in the order run. The result's
   * other figures are those of the median run.
   */
  runs?: number[];
  machine: Machine;
}

const BASELINE_PATH = new URL("../../docs/examples/fewer-freezes.json", import.meta.url);
const VAKT_BIN = new URL("../../bin/vakt.js", import.meta.url).pathname;

/**
 * Replay throughput, with a 7-day label delay, on 100,000 generated attempts: the default ruleset
 * alone (issue #5's target) and with the fewer-freezes example as its baseline (issue #8: candidate
 * plus baseline); and the real sample alone and with the baseline, when it is beside the project.
 * The target's figure times the replay, from the attempts in memory to the result; reading and
 * replaying together are timed beside it, as what a fraud team waits for.
 *
 * The target's replay is run `repeats` times (default 3) and its median reported with every run's
 * figure: on a shared virtual machine the same replay's speed varies by a third from one minute to
 * the next, and one run says more about the minute than about the code.
 */
export async function benchBacktest(options: { generated?: number; samplePath?: string; mappingPath?: string; repeats?: number } = {}): Promise<BacktestBenchResult[]> {
  const results: BacktestBenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), "vakt-bench-backtest-"));
  try {
    // As a fraud team would replay it: an NDJSON file, as `vakt generate` writes it.
    const path = join(dir, "generated.ndjson");
    writeGenerated(path, options.generated ?? 100_000);
    results.push(await medianOf(options.repeats ?? 3, () => measure("generated (seed 1)", path, false)));
    results.push(await measure("generated (seed 1)", path, true));
    if (options.samplePath && options.mappingPath) {
      const csv = loadCsvMapping(options.mappingPath);
      results.push(await measure("ecommerce-fraud-sample.csv", options.samplePath, false, csv));
      results.push(await measure("ecommerce-fraud-sample.csv", options.samplePath, true, csv));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** Writes the file with `vakt generate`, in a process of its own: the replay's heap holds nothing of the generation. */
function writeGenerated(path: string, orders: number): void {
  const fd = openSync(path, "w");
  try {
    execFileSync(process.execPath, [VAKT_BIN, "generate", "--seed", "1", "--orders", String(orders)], { stdio: ["ignore", fd, "inherit"] });
    // On disk before the replay, as an export a fraud team replays is: the kernel writing back the
    // 190 MB while the replay runs took about a tenth of its speed.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The median of `repeats` runs (by attempts/s), with every run's attempts/s when there was more than one. */
async function medianOf(repeats: number, run: () => Promise<BacktestBenchResult>): Promise<BacktestBenchResult> {
  const results: BacktestBenchResult[] = [];
  for (let i = 0; i < Math.max(1, repeats); i++) results.push(await run());
  if (results.length === 1) return results[0]!;
  const median = [...results].sort((a, b) => a.attemptsPerSecond - b.attemptsPerSecond)[(results.length - 1) >> 1]!;
  return { ...median, runs: results.map((r) => r.attemptsPerSecond) };
}

/** One `vakt backtest` read and replay of the file; the figures are the replay's (from the attempts in memory to the result). */
async function measure(input: string, path: string, withBaseline: boolean, csv?: CsvMapping): Promise<BacktestBenchResult> {
  const baseline = parseRuleset(JSON.parse(readFileSync(BASELINE_PATH, "utf8")));
  const at = machine();
  let cpuBefore: NodeJS.CpuUsage | undefined;
  const started = performance.now();
  const { result, attempts, threads } = await replayFile(path, {
    ...(csv ? { csv } : {}),
    candidate: { name: "default", ruleset: DEFAULT_RULESET },
    ...(withBaseline ? { baseline: { name: "fewer-freezes", ruleset: baseline } } : {}),
    labelDelayMs: 7 * 86_400_000,
    onReplayStart: () => (cpuBefore = process.cpuUsage()),
  });
  const readAndReplaySeconds = Math.round(performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    input: withBaseline ? `${input} with baseline fewer-freezes` : input,
    attempts,
    attemptsPerSecond: Math.round(result.attemptsPerSecond),
    seconds: Math.round(result.durationMs) / 1000,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    readAndReplaySeconds,
    rulesets: withBaseline ? ["default", "fewer-freezes"] : ["default"],
    threads,
    machine: at,
  };
}
