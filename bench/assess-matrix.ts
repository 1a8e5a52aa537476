import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { parseConfig, type StoreConfig } from "../collector/config.js";
import { startCollector } from "../collector/main.js";
import type { FillPlan, FillResult } from "./assess-fill.js";
import type { Latency, LoadPlan } from "./assess-load.js";
import { runLoad } from "./assess.js";
import { bulkLoadPriorHistory } from "./bulk-load.js";
import { bulkLoadPriorHistoryRedis } from "./bulk-load-redis.js";
import { machine, type Machine } from "./machine.js";

/**
 * Assess latency and throughput at fixed offered rates (open loop, bench/assess-load.ts) for each
 * store size, on LMDB and on Redis, the prior history written by a bulk loader (bench/bulk-load.ts,
 * bench/bulk-load-redis.ts) before the collector starts, so the timed path is only the assesses. Each
 * size gets a fresh store (a temporary LMDB directory, or a temporary redis-server) and one collector;
 * rates run in ascending order on it, each with its own orders, and what they record adds to the history.
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

export type MatrixStore = "lmdb" | "redis";

export interface StoreFill {
  attempts: number;
  seconds: number;
  rate: number;
  /** On disk: LMDB's data file; Redis's AOF. */
  dataBytes: number;
  /** Redis only: the server's `used_memory` once filled. */
  memoryBytes?: number;
  machine: Machine;
}

/** The matrix on one store kind. */
export interface StoreMatrix {
  store: MatrixStore;
  inputs: { priorAttempts: number[]; rates: number[]; seconds: number; warmupRequests: number };
  /** Redis only: how each temporary redis-server ran. */
  server?: { version: string; persistence: string; args: string[] };
  fills: StoreFill[];
  cells: AssessCell[];
}

/** The LMDB matrix (empty fills and cells when `stores` left it out), with the Redis one beside it. */
export interface AssessMatrixResult extends StoreMatrix {
  store: "lmdb";
  inputs: StoreMatrix["inputs"] & { stores: MatrixStore[] };
  /** The same matrix on the Redis store, each size on a fresh redis-server; null when `stores` left it out. */
  redis: (StoreMatrix & { store: "redis" }) | null;
}

export interface AssessMatrixOptions {
  priorAttempts: number[];
  rates: number[];
  seconds: number;
  warmupRequests?: number;
  /** Which stores to run the matrix on (default both). */
  stores?: MatrixStore[];
  log?: (line: string) => void;
}

const SITE_KEY = "pk_bench";
const SECRET_KEY = "sk_bench_secret_key";
const HISTORY_DAYS = 30;
/** As bench/assess.ts: the share of orders from shoppers already in the history. */
const RETURNING_SHARE = 0.65;
const SEEDS = { prior: 0x1badb002, warmup: 0x2b, open: 0x5e };
/**
 * The Redis server as docs/deploy.md recommends: AOF with `appendfsync always` (nothing acknowledged is
 * lost), `zset-max-listpack-value 1024` (history sets stay compact), no RDB snapshots.
 */
const REDIS_SERVER = { appendfsync: "always" as const, extraArgs: ["--zset-max-listpack-value", "1024"] };

type Config = Awaited<ReturnType<typeof parseConfig>>;
type Loader = (config: Config, plan: FillPlan, log: (line: string) => void) => Promise<FillResult & { hashKey: Buffer }>;

/** How each store kind is pre-filled: what its recordAttempt writes, written in bulk (each checked against recordAttempt in test/integration/bulk-load*.test.ts). */
const LOADERS: Record<MatrixStore, Loader> = {
  lmdb: (config, plan, log) => bulkLoadPriorHistory(config.store, plan, log),
  redis: (config, plan, log) => bulkLoadPriorHistoryRedis(config.store, plan, log, { retentionMs: config.retentionDays * 86_400_000 }),
};

/** A fresh, empty store of one kind for one store size, and what it holds once filled. */
interface TempStore {
  store: StoreConfig;
  measure(): Promise<{ dataBytes: number; memoryBytes?: number }>;
  destroy(): Promise<void>;
}

async function tempStore(kind: MatrixStore): Promise<TempStore> {
  if (kind === "lmdb") {
    const dataDir = mkdtempSync(join(tmpdir(), "vakt-bench-matrix-"));
    return {
      store: { kind: "lmdb", path: dataDir },
      measure: async () => ({ dataBytes: diskBytes(dataDir) }),
      destroy: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  // Imported only for a Redis run: the helper starts redis-server in its own temporary directory.
  const { startRedis } = await import("../test/helpers/redis.js");
  const server = await startRedis(REDIS_SERVER);
  return {
    store: { kind: "redis", url: server.url },
    measure: async () => ({ dataBytes: diskBytes(server.dir), memoryBytes: await redisInfo(server.url, "used_memory") }),
    destroy: () => server.destroy(),
  };
}

export async function benchAssessMatrix(options: AssessMatrixOptions): Promise<AssessMatrixResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warmupRequests = options.warmupRequests ?? 1000;
  const stores = options.stores ?? ["lmdb", "redis"];
  const inputs = { priorAttempts: options.priorAttempts, rates: options.rates, seconds: options.seconds, warmupRequests };
  const lmdb: StoreMatrix = { store: "lmdb", inputs, fills: [], cells: [] };
  if (stores.includes("lmdb")) await runStore(lmdb, options, warmupRequests, log);
  let redis: (StoreMatrix & { store: "redis" }) | null = null;
  if (stores.includes("redis")) {
    redis = { store: "redis", inputs, server: { version: redisVersion(), persistence: `appendonly yes, appendfsync ${REDIS_SERVER.appendfsync}`, args: REDIS_SERVER.extraArgs }, fills: [], cells: [] };
    await runStore(redis, options, warmupRequests, log);
  }
  return { ...lmdb, store: "lmdb", inputs: { ...inputs, stores }, redis };
}

/** Each store size on a fresh store: bulk-load it, then the rates on one collector. */
async function runStore(part: StoreMatrix, options: AssessMatrixOptions, warmupRequests: number, log: (line: string) => void): Promise<void> {
  for (const priorAttempts of options.priorAttempts) {
    const temp = await tempStore(part.store);
    try {
      const config = await parseConfig({
        listen: { host: "127.0.0.1", port: 0 },
        store: temp.store,
        sites: [{ siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: ["http://127.0.0.1:1"] }],
      });
      log(`assess matrix (${part.store}): bulk-loading ${priorAttempts.toLocaleString("en")} prior attempts`);
      const at = machine();
      const plan: FillPlan = { count: priorAttempts, siteKey: SITE_KEY, seed: SEEDS.prior, returningShare: RETURNING_SHARE, nowMs: Date.now(), days: HISTORY_DAYS };
      const filled = await LOADERS[part.store](config, plan, log);
      part.fills.push({ attempts: priorAttempts, seconds: filled.seconds, rate: filled.rate, ...(await temp.measure()), machine: at });
      log(`assess matrix (${part.store}): ${JSON.stringify(part.fills[part.fills.length - 1])}`);
      await runRates(part, config, priorAttempts, options, warmupRequests, log);
    } finally {
      await temp.destroy();
    }
  }
}

async function runRates(result: StoreMatrix, config: Config, priorAttempts: number, options: AssessMatrixOptions, warmupRequests: number, log: (line: string) => void): Promise<void> {
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
      log(`assess matrix (${result.store}): ${priorAttempts.toLocaleString("en")} prior attempts, ${rate}/s for ${options.seconds} s`);
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
      log(`assess matrix (${result.store}): ${JSON.stringify(result.cells[result.cells.length - 1])}`);
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


/** Bytes a directory takes on disk, subdirectories included (Redis 7 keeps its AOF in `appendonlydir/`). */
function diskBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? diskBytes(path) : statSync(path).blocks * 512);
  }, 0);
}

async function redisInfo(url: string, field: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return Number(new RegExp(`^${field}:(\\d+)`, "m").exec(await client.info("memory"))?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}

function redisVersion(): string {
  return /v=(\S+)/.exec(execFileSync("redis-server", ["--version"], { encoding: "utf8" }))?.[1] ?? "unknown";
}
