import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type StoreConfig } from "../collector/config.js";
import { startCollector } from "../collector/main.js";
import type { FillPlan, FillResult } from "./assess-fill.js";
import type { Latency, LoadPlan } from "./assess-load.js";
import { runLoad } from "./assess.js";
import { bulkLoadPriorHistory } from "./bulk-load.js";
import { machine, type Machine } from "./machine.js";

/**
 * Assess latency and throughput at fixed offered rates (open loop, bench/assess-load.ts) for each
 * store size, the prior history written by the bulk loader (bench/bulk-load.ts) before the collector
 * starts, so the timed path is only the assesses. One collector per store size; rates run in
 * ascending order on it, each with its own orders, and what they record adds to the history.
 */

export interface AssessCell {
  priorAttempts: number;
  /** Attempts the store held as this rate started: the prior history plus what earlier rates recorded. */
  attemptsAtStart: number;
  offeredRate: number;
  seconds: number;
  achievedRate: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** From each request's due time to its response (coordinated omission counted). */
  latencyMs: Latency;
  /** How late the load generator itself sent: large means the client, not the collector, fell behind. */
  maxSendLagMs: number;
  machine: Machine;
}

export interface AssessMatrixResult {
  store: "lmdb";
  inputs: { priorAttempts: number[]; rates: number[]; seconds: number; warmupRequests: number };
  fills: { attempts: number; seconds: number; rate: number; dataBytes: number; machine: Machine }[];
  cells: AssessCell[];
  /** The same matrix on the Redis store: null until LOADERS has a Redis bulk loader. */
  redis: null;
}

export interface AssessMatrixOptions {
  priorAttempts: number[];
  rates: number[];
  seconds: number;
  warmupRequests?: number;
  log?: (line: string) => void;
}

const SITE_KEY = "pk_bench";
const SECRET_KEY = "sk_bench_secret_key";
const HISTORY_DAYS = 30;
/** As bench/assess.ts: the share of orders from shoppers already in the history. */
const RETURNING_SHARE = 0.65;
const SEEDS = { prior: 0x1badb002, warmup: 0x2b, open: 0x5e };

/**
 * How each store kind is pre-filled. Redis: add `redis: (config, plan, log) => …` writing what
 * RedisStore.recordAttempt writes (pipelined), and run the matrix against a temporary redis-server.
 */
const LOADERS: Partial<Record<StoreConfig["kind"], (config: StoreConfig, plan: FillPlan, log: (line: string) => void) => Promise<FillResult & { hashKey: Buffer }>>> = {
  lmdb: bulkLoadPriorHistory,
};

export async function benchAssessMatrix(options: AssessMatrixOptions): Promise<AssessMatrixResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warmupRequests = options.warmupRequests ?? 1000;
  const result: AssessMatrixResult = {
    store: "lmdb",
    inputs: { priorAttempts: options.priorAttempts, rates: options.rates, seconds: options.seconds, warmupRequests },
    fills: [],
    cells: [],
    redis: null,
  };
  for (const priorAttempts of options.priorAttempts) {
    const dataDir = mkdtempSync(join(tmpdir(), "vakt-bench-matrix-"));
    try {
      const config = await parseConfig({
        listen: { host: "127.0.0.1", port: 0 },
        store: { kind: "lmdb", path: dataDir },
        sites: [{ siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: ["http://127.0.0.1:1"] }],
      });
      log(`assess matrix: bulk-loading ${priorAttempts.toLocaleString("en")} prior attempts`);
      const at = machine();
      const plan: FillPlan = { count: priorAttempts, siteKey: SITE_KEY, seed: SEEDS.prior, returningShare: RETURNING_SHARE, nowMs: Date.now(), days: HISTORY_DAYS };
      const filled = await LOADERS[config.store.kind]!(config.store, plan, log);
      result.fills.push({ attempts: priorAttempts, seconds: filled.seconds, rate: filled.rate, dataBytes: diskBytes(dataDir), machine: at });
      log(`assess matrix: ${JSON.stringify(result.fills[result.fills.length - 1])}`);
      await runRates(result, config, priorAttempts, options, warmupRequests, log);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return result;
}

async function runRates(result: AssessMatrixResult, config: Awaited<ReturnType<typeof parseConfig>>, priorAttempts: number, options: AssessMatrixOptions, warmupRequests: number, log: (line: string) => void): Promise<void> {
  const collector = await startCollector(config, { log: () => {} });
  try {
    const base: LoadPlan = {
      mode: "warmup",
      url: collector.url,
      secretKey: SECRET_KEY,
      returningShare: RETURNING_SHARE,
      warmupRequests,
      rate: 1,
      seconds: 1,
      closedSeconds: 0,
      concurrency: 32,
      maxSockets: 64,
      seeds: { warmup: SEEDS.warmup + priorAttempts, open: SEEDS.open, closed: 0 },
    };
    await runLoad(base);
    let recorded = warmupRequests;
    for (const [r, rate] of options.rates.entries()) {
      log(`assess matrix: ${priorAttempts.toLocaleString("en")} prior attempts, ${rate}/s for ${options.seconds} s`);
      const at = machine();
      const run = await runLoad({ ...base, mode: "open", rate, seconds: options.seconds, seeds: { ...base.seeds, open: SEEDS.open + r } });
      if (run.mode !== "open") throw new Error("the load worker answered the wrong mode");
      const { openLoop } = run;
      result.cells.push({
        priorAttempts,
        attemptsAtStart: priorAttempts + recorded,
        offeredRate: rate,
        seconds: options.seconds,
        achievedRate: openLoop.achievedRate,
        ok: openLoop.ok,
        errors: openLoop.errors,
        errorKinds: openLoop.errorKinds,
        latencyMs: openLoop.latencyMs,
        maxSendLagMs: openLoop.maxSendLagMs,
        machine: at,
      });
      log(`assess matrix: ${JSON.stringify(result.cells[result.cells.length - 1])}`);
      recorded += openLoop.ok;
      await settle(collector.url);
    }
  } finally {
    await collector.close();
  }
}

/** Waits (at most 60 s) until the collector answers /healthz promptly: requests a run left queued have drained. */
async function settle(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const startedAt = Date.now();
    await fetch(`${url}/healthz`).then((res) => res.text()).catch(() => undefined);
    if (Date.now() - startedAt < 20) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}


function diskBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).blocks * 512, 0);
}
