import { existsSync } from "node:fs";
import { machine } from "./machine.js";
import { printAssess, printAssessMatrix, printBacktest, printFirstToken, printIngest, printMemory } from "./print.js";

/**
 * `npm run bench` prints one line per result; `-- --json` prints one JSON object with all of them;
 * `--quick` is a smaller run for CI (measurements, never a pass/fail on speed).
 * `--only first-token,ingest,memory,backtest,assess-matrix,assess` runs some (comma-separated).
 * `--loads N` (script loads per variant), `--sessions N` (ingest), `--streams N` (memory) size the
 * new benchmarks; `--attempts N`, `--rate R`, `--seconds S` size the single-point assess benchmark,
 * `--closed-seconds S` its max-throughput run (0 skips it), and `--data DIR` keeps its filled store
 * in DIR and reuses it on the next run. The assess matrix: `--stores lmdb,redis` (default both),
 * `--prior 0,100000` (prior attempts per store size), `--rates 500,1000` (offered per second) and
 * `--matrix-seconds S` (per rate).
 * Progress goes to stderr, so stdout holds only the results. Each benchmark is imported when it runs:
 * Playwright and the collector take seconds to load on a busy machine.
 */
const BENCHMARKS = ["first-token", "ingest", "memory", "backtest", "assess-matrix", "assess"] as const;
type Benchmark = (typeof BENCHMARKS)[number];

const args = process.argv.slice(2);
const asJson = args.includes("--json");
const isQuick = args.includes("--quick");

function flag(name: string): number | undefined {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} takes a positive number`);
    process.exit(2);
  }
  return value;
}

/** A comma-separated flag: its items, each checked by `isValid`; undefined when the flag is absent. */
function list(name: string, isValid: (item: string) => boolean, what: string): string[] | undefined {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const items = (args[at + 1] ?? "").split(",");
  if (items.length === 0 || !items.every(isValid)) {
    console.error(`--${name} takes a comma-separated list of ${what}`);
    process.exit(2);
  }
  return items;
}
const isCount = (item: string) => /^\d+$/.test(item);
const isRate = (item: string) => /^\d+$/.test(item) && Number(item) > 0;
const priorFlag = list("prior", isCount, "prior attempt counts (0 or more)")?.map(Number);
const ratesFlag = list("rates", isRate, "offered rates per second")?.map(Number);
const storesFlag = list("stores", (item) => item === "lmdb" || item === "redis", "stores: lmdb, redis") as ("lmdb" | "redis")[] | undefined;

const only = args.includes("--only") ? (args[args.indexOf("--only") + 1] ?? "").split(",") : undefined;
const unknown = only?.filter((name) => !(BENCHMARKS as readonly string[]).includes(name)) ?? [];
if (only && (only.length === 0 || unknown.length > 0)) {
  console.error(`--only takes a comma-separated list of ${BENCHMARKS.join(", ")}`);
  process.exit(2);
}
const runs = (name: Benchmark) => only === undefined || only.includes(name);
const log = (line: string) => process.stderr.write(`${line}\n`);
const docs = (path: string) => new URL(`../../docs/${path}`, import.meta.url).pathname;

const sizes = isQuick
  ? { loads: 3, sessions: 200, ingestSeconds: 2, streams: 1_000, backtest: 2_000, priorAttempts: [0, 10_000], rates: [500, 1000], matrixSeconds: 2, warmup: 200 }
  : { loads: 10, sessions: 2_000, ingestSeconds: 10, streams: 10_000, backtest: 100_000, priorAttempts: [0, 100_000, 1_000_000], rates: [500, 1000, 2000, 5000], matrixSeconds: 10, warmup: 1000 };
const samplePath = new URL("../../../shared/data/ecommerce-fraud-sample.csv", import.meta.url).pathname;

const started = machine();
const results: Record<string, unknown> = { machine: started, quick: isQuick };
if (runs("first-token")) {
  const firstToken = await (await import("./first-token.js")).benchFirstToken(flag("loads") ?? sizes.loads);
  results.firstToken = firstToken;
  if (!asJson) printFirstToken(firstToken);
}
if (runs("ingest")) {
  const ingest = await (await import("./ingest.js")).benchIngest({ sessions: flag("sessions") ?? sizes.sessions, seconds: sizes.ingestSeconds, warmupSeconds: isQuick ? 1 : 2, log });
  results.ingest = ingest;
  if (!asJson) printIngest(ingest);
}
if (runs("memory")) {
  const memory = await (await import("./ingest.js")).benchMemory({ streams: flag("streams") ?? sizes.streams, log });
  results.memory = memory;
  if (!asJson) printMemory(memory);
}
if (runs("backtest")) {
  const backtest = await (await import("./backtest.js")).benchBacktest({
    generated: sizes.backtest,
    repeats: isQuick ? 1 : 3,
    ...(!isQuick && existsSync(samplePath) ? { samplePath, mappingPath: docs("examples/ecommerce-fraud-sample.mapping.json") } : {}),
  });
  results.backtest = backtest;
  if (!asJson) printBacktest(backtest);
}
if (runs("assess-matrix")) {
  const assessMatrix = await (await import("./assess-matrix.js")).benchAssessMatrix({
    priorAttempts: priorFlag ?? sizes.priorAttempts,
    rates: ratesFlag ?? sizes.rates,
    seconds: flag("matrix-seconds") ?? sizes.matrixSeconds,
    warmupRequests: sizes.warmup,
    ...(storesFlag ? { stores: storesFlag } : {}),
    log,
  });
  results.assessMatrix = assessMatrix;
  if (!asJson) printAssessMatrix(assessMatrix);
}
if (runs("assess")) {
  const assess = await (await import("./assess.js")).benchAssess({
    ...(isQuick ? { attempts: 5_000, rate: 200, seconds: 2, closedSeconds: 2 } : {}),
    ...(flag("attempts") === undefined ? {} : { attempts: Math.round(flag("attempts")!) }),
    ...(flag("rate") === undefined ? {} : { rate: flag("rate")! }),
    ...(flag("seconds") === undefined ? {} : { seconds: flag("seconds")! }),
    ...(args.includes("--closed-seconds") ? { closedSeconds: Number(args[args.indexOf("--closed-seconds") + 1]) } : {}),
    ...(args.includes("--data") ? { dataDir: args[args.indexOf("--data") + 1]! } : {}),
    log,
  });
  results.assess = assess;
  if (!asJson) printAssess(assess);
}
if (asJson) console.log(JSON.stringify(results));
