import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { identifierHashes } from "../collector/assess/identities.js";
import { parseConfig } from "../collector/config.js";
import { lookbackMs } from "../collector/engine.js";
import { IdentifierHasher } from "../collector/identity/hash.js";
import { IDENTIFIER_KINDS, type IdentifierKind } from "../collector/identity/normalise.js";
import { startCollector } from "../collector/main.js";
import { DEFAULT_RULESET } from "../collector/rules/default-ruleset.js";
import { LmdbStore } from "../collector/store/lmdb/lmdb-store.js";
import type { Store } from "../collector/store/types.js";
import { syntheticAttempt } from "./assess-data.js";
import { machine, type Machine } from "./machine.js";
import { loadPriorHistory } from "./assess-fill.js";
import type { ClosedLoopResult, LoadPlan, LoadResult, OpenLoopResult } from "./assess-load.js";

export interface AssessBenchOptions {
  /** Prior attempts in the store before the load starts. */
  attempts?: number;
  /** Fixed request rate of the open-loop run (assess/s). */
  rate?: number;
  /** Length of the open-loop run. */
  seconds?: number;
  /** Length of the closed-loop (max throughput) run; 0 skips it. */
  closedSeconds?: number;
  concurrency?: number;
  maxSockets?: number;
  /**
   * A data directory to keep between runs: filled on the first run, reused as it is by later ones
   * (each run adds its own assessed attempts). For iterating on the collector; the store's format
   * must not have changed in between.
   */
  dataDir?: string;
  /** Progress lines (fill rate, phases); stderr by default. */
  log?: (line: string) => void;
}

export interface AssessBenchResult {
  /** As the open loop started: `loadAverage` above ~0.5 means others were using the cores. */
  machine: Machine;
  /** `isMet` is null when the run was smaller than the target (fewer prior attempts or a lower rate). */
  target: { rate: number; attempts: number; p99Ms: number; isMet: boolean | null };
  prior: {
    attempts: number;
    days: number;
    fillSeconds: number;
    /** Attempts recorded per second by concurrent `store.recordAttempt` calls. */
    fillRate: number;
    /** Of the fill, the time the store waited for the attempt builder (worker thread). */
    fillStarvedSeconds: number;
    /** Bytes the LMDB data directory takes on disk after the fill. */
    dataBytes: number;
    /** A reused store's attempts as the run starts: earlier runs' assessed attempts are among them. */
    heldAttempts?: number;
  };
  /** What an assess of the benchmark's orders reads: history entries over all its identifiers (sampled before the load). */
  history: {
    sampled: number;
    meanEntries: number;
    p50Entries: number;
    p99Entries: number;
    maxEntries: number;
    /** Share of orders with at least one earlier attempt on some identifier (a shared name or /24 network is enough). */
    withHistoryShare: number;
    /** Share of orders with an earlier attempt on an e-mail, phone, card, customer id or delivery address. */
    withStrongHistoryShare: number;
    /** Share of identifier scans cut at the history limit. */
    scansAtLimitShare: number;
    meanEntriesByKind: Partial<Record<IdentifierKind, number>>;
  };
  openLoop: OpenLoopResult & {
    /** Requests sent before the run (not counted), so that the run meets a warmed-up collector. */
    warmup: { requests: number; errors: number };
    /**
     * The collector's own vakt_assess_duration_seconds over the run (from a parsed request to a recorded
     * answer), and of it `recording`: vakt_assess_record_seconds, the wait for the attempt's durable write.
     */
    server: ServerLatency & { recording: ServerLatency };
    /** Delay of the collector's event loop during the run (ms). */
    eventLoopDelayMs: { p50: number; p99: number; max: number };
    /** CPU the collector's process (event loop, LMDB's writer thread, GC) used, in cores. */
    cpuCores: number;
    /**
     * CPU time per assess answered, on the collector's event loop and on its other threads (Linux
     * /proc, 10 ms ticks). Unlike latency, this barely moves when other processes compete for the cores.
     */
    cpuMsPerAssess: { mainThread: number; otherThreads: number };
  };
  closedLoop: ClosedLoopResult | null;
}

/** A histogram's change over the run: its count, mean and the bucket bounds its p50 and p99 fall under. */
interface ServerLatency {
  count: number;
  meanMs: number;
  p50AtMostMs: number;
  p99AtMostMs: number;
}

const SITE_KEY = "pk_bench";
const SECRET_KEY = "sk_bench_secret_key";
const HISTORY_DAYS = 30;
/** As collector/assess/gather.ts reads per identifier. */
const HISTORY_LIMIT = 1000;
/** Share of orders (history and benchmark alike) placed by shoppers already in the pools; 1% are rings, the rest first-timers. */
const RETURNING_SHARE = 0.65;
const SEEDS = { prior: 0x1badb002, warmup: 0x2b, open: 0x3c, closed: 0x4d };
const HISTORY_SAMPLE = 2000;
const STRONG_KINDS: ReadonlySet<IdentifierKind> = new Set(["email", "phone", "card", "customer", "address"]);
/** The target: p99 under 5 ms at 1,000 assess/s with 1,000,000 prior attempts. */
const TARGET = { rate: 1000, attempts: 1_000_000, p99Ms: 5 };
const DAY_MS = 86_400_000;
/** Linux's USER_HZ: /proc reports thread CPU in these ticks. */
const CLOCK_TICKS = 100;

/**
 * The assess benchmark: a real collector on 127.0.0.1 over a temporary LMDB directory holding
 * `attempts` prior attempts, then POST /v1/assess at a fixed rate (open loop) and as fast as
 * `concurrency` clients go (closed loop). See docs/BENCHMARKS.md.
 */
export async function benchAssess(options: AssessBenchOptions = {}): Promise<AssessBenchResult> {
  const attempts = options.attempts ?? TARGET.attempts;
  const rate = options.rate ?? TARGET.rate;
  const seconds = options.seconds ?? 15;
  const closedSeconds = options.closedSeconds ?? 10;
  const concurrency = options.concurrency ?? 32;
  const maxSockets = options.maxSockets ?? 64;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const isKept = options.dataDir !== undefined;
  const isReused = isKept && existsSync(join(options.dataDir!, "data.mdb"));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "vakt-bench-assess-"));
  const removeData = () => {
    if (!isKept) rmSync(dataDir, { recursive: true, force: true });
  };
  const config = await parseConfig({
    listen: { host: "127.0.0.1", port: 0 },
    store: { kind: "lmdb", path: dataDir },
    sites: [{ siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: ["http://127.0.0.1:1"] }],
  });
  const nowMs = Date.now();
  let filled: Omit<Awaited<ReturnType<typeof loadPriorHistory>>, "hashKey"> & { hashKey: Buffer | undefined };
  try {
    if (isReused) {
      log(`assess: reusing the prior attempts in ${dataDir}`);
      filled = { seconds: 0, rate: 0, starvedSeconds: 0, hashKey: undefined };
    } else {
      log(`assess: recording ${attempts.toLocaleString("en")} prior attempts over ${HISTORY_DAYS} days in ${dataDir}`);
      filled = await loadPriorHistory(config.store, { count: attempts, siteKey: SITE_KEY, seed: SEEDS.prior, returningShare: RETURNING_SHARE, nowMs, days: HISTORY_DAYS }, log);
    }
  } catch (err) {
    removeData();
    throw err;
  }
  const prior: AssessBenchResult["prior"] = { attempts, days: HISTORY_DAYS, fillSeconds: filled.seconds, fillRate: filled.rate, fillStarvedSeconds: filled.starvedSeconds, dataBytes: diskBytes(dataDir) };
  log(`assess: filled in ${prior.fillSeconds} s (${prior.fillRate.toLocaleString("en")} attempts/s), ${(prior.dataBytes / 2 ** 30).toFixed(2)} GiB on disk`);

  const collectorLog: string[] = [];
  const collector = await startCollector(config, { log: (line) => collectorLog.push(line) }).catch((err: unknown) => {
    removeData();
    throw err;
  });
  try {
    if (isReused && collector.store instanceof LmdbStore) prior.heldAttempts = collector.store.historySize.attempts;
    const sinceMs = Date.now() - Math.max(lookbackMs([DEFAULT_RULESET]), config.retentionDays * DAY_MS);
    // A reused store's key is read through the collector: opening the store for it alone would rebuild its history twice.
    const hashKey = filled.hashKey ?? (await collector.store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32)));
    const history = await countHistory(collector.store, new IdentifierHasher(hashKey), Math.round(rate * seconds), sinceMs);

    const plan: LoadPlan = {
      mode: "warmup",
      url: collector.url,
      secretKey: SECRET_KEY,
      returningShare: RETURNING_SHARE,
      warmupRequests: Math.min(2000, Math.round(rate * 2)),
      rate,
      seconds,
      closedSeconds,
      concurrency,
      maxSockets,
      seeds: { warmup: SEEDS.warmup, open: SEEDS.open, closed: SEEDS.closed },
    };
    log(`assess: ${plan.warmupRequests} warm-up requests, ${concurrency} at a time`);
    const warm = await runLoad(plan);
    if (warm.mode !== "warmup") throw new Error("the load worker answered the wrong mode");
    log(`assess: open loop, ${rate} assess/s for ${seconds} s`);
    const startedOn = machine();
    const before = await assessHistogram(collector.url);
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    const cpuBefore = process.cpuUsage();
    const threadsBefore = threadCpuMs();
    const wallBefore = performance.now();
    loopDelay.enable();
    const open = await runLoad({ ...plan, mode: "open" });
    loopDelay.disable();
    const cpuUsed = process.cpuUsage(cpuBefore);
    const threadsAfter = threadCpuMs();
    const cpuCores = round((cpuUsed.user + cpuUsed.system) / 1000 / (performance.now() - wallBefore), 2);
    const after = await assessHistogram(collector.url);
    if (open.mode !== "open") throw new Error("the load worker answered the wrong mode");

    let closedLoop: ClosedLoopResult | null = null;
    if (closedSeconds > 0) {
      log(`assess: closed loop, ${concurrency} concurrent clients for ${closedSeconds} s`);
      const closed = await runLoad({ ...plan, mode: "closed" });
      if (closed.mode !== "closed") throw new Error("the load worker answered the wrong mode");
      closedLoop = closed.closedLoop;
    }
    const errorLines = collectorLog.filter((line) => line.startsWith("error"));
    if (errorLines.length > 0) log(`assess: the collector logged ${errorLines.length} errors, the first: ${errorLines[0]}`);

    const openLoop = {
      ...open.openLoop,
      warmup: { requests: warm.requests, errors: warm.errors },
      server: { ...serverLatency(before.duration, after.duration), recording: serverLatency(before.record, after.record) },
      eventLoopDelayMs: { p50: round(loopDelay.percentile(50) / 1e6), p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) },
      cpuCores,
      cpuMsPerAssess: cpuSplit(threadsBefore, threadsAfter, open.openLoop.ok),
    };
    return {
      machine: startedOn,
      target: {
        rate: TARGET.rate,
        attempts: TARGET.attempts,
        p99Ms: TARGET.p99Ms,
        isMet: rate < TARGET.rate || attempts < TARGET.attempts ? null : openLoop.errors === 0 && openLoop.latencyMs.p99 < TARGET.p99Ms,
      },
      prior,
      history,
      openLoop,
      closedLoop,
    };
  } finally {
    await collector.close();
    removeData();
  }
}

/** Reads, as an assess would, the history of a sample of the open loop's orders (no device: the load sends no token). */
async function countHistory(store: Store, hasher: IdentifierHasher, orders: number, sinceMs: number): Promise<AssessBenchResult["history"]> {
  const sampled = Math.min(HISTORY_SAMPLE, orders);
  const totals: number[] = [];
  let withStrong = 0;
  const byKind = new Map<IdentifierKind, number>();
  let scans = 0;
  let scansAtLimit = 0;
  for (let s = 0; s < sampled; s++) {
    const { request } = syntheticAttempt(Math.floor((s * orders) / sampled), SEEDS.open, RETURNING_SHARE);
    const ids = identifierHashes(hasher, { siteKey: SITE_KEY, order: request.order, ip: request.ip });
    let total = 0;
    let isStrong = false;
    for (const kind of IDENTIFIER_KINDS) {
      const hash = ids[kind];
      if (hash === undefined) continue;
      const entries = (await store.history(kind, hash, sinceMs, HISTORY_LIMIT)).length;
      scans++;
      if (entries >= HISTORY_LIMIT) scansAtLimit++;
      byKind.set(kind, (byKind.get(kind) ?? 0) + entries);
      total += entries;
      if (entries > 0 && STRONG_KINDS.has(kind)) isStrong = true;
    }
    totals.push(total);
    if (isStrong) withStrong++;
  }
  totals.sort((a, b) => a - b);
  const at = (q: number) => totals[Math.min(totals.length - 1, Math.ceil(q * totals.length) - 1)] ?? 0;
  return {
    sampled,
    meanEntries: round(totals.reduce((sum, n) => sum + n, 0) / Math.max(1, sampled), 1),
    p50Entries: at(0.5),
    p99Entries: at(0.99),
    maxEntries: totals[totals.length - 1] ?? 0,
    withHistoryShare: round(totals.filter((n) => n > 0).length / Math.max(1, sampled), 3),
    withStrongHistoryShare: round(withStrong / Math.max(1, sampled), 3),
    scansAtLimitShare: round(scansAtLimit / Math.max(1, scans), 4),
    meanEntriesByKind: Object.fromEntries([...byKind].map(([kind, n]) => [kind, round(n / sampled, 1)])),
  };
}

/** One run of bench/assess-load.ts, in a process of its own so the load does not share the collector's event loop. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("./assess-load.js", import.meta.url)), [], { env: { ...process.env, VAKT_ASSESS_LOAD: "1" }, execArgv: [] });
    child.once("message", (message: { result?: LoadResult; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new Error(`assess load process: ${message.error}`));
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`assess load process exited with ${code}`)));
    child.send(plan);
  });
}

/** CPU time (ms) of each thread of this process so far, by thread id; the main thread's id is the pid. */
function threadCpuMs(): Map<number, number> {
  const used = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      used.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // the thread ended
    }
  }
  return used;
}

/** The collector's CPU over a run, split into its event loop (main thread) and everything else (LMDB's writer, GC, libuv). */
function cpuSplit(before: Map<number, number>, after: Map<number, number>, requests: number): AssessBenchResult["openLoop"]["cpuMsPerAssess"] {
  let main = 0;
  let others = 0;
  for (const [tid, ms] of after) {
    const used = ms - (before.get(tid) ?? 0);
    if (tid === process.pid) main += used;
    else others += used;
  }
  return { mainThread: round(main / Math.max(1, requests)), otherThreads: round(others / Math.max(1, requests)) };
}

/** Cumulative bucket counts of a Prometheus histogram, by upper bound in seconds, plus sum and count. */
interface Histogram {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

/** vakt_assess_duration_seconds and vakt_assess_record_seconds as /metrics gives them now. */
async function assessHistogram(url: string): Promise<{ duration: Histogram; record: Histogram }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return { duration: histogramOf(text, "vakt_assess_duration_seconds"), record: histogramOf(text, "vakt_assess_record_seconds") };
}

function histogramOf(text: string, name: string): Histogram {
  const histogram: Histogram = { buckets: new Map(), sum: 0, count: 0 };
  const bucketPrefix = `${name}_bucket{le="`;
  const sumPrefix = `${name}_sum `;
  const countPrefix = `${name}_count `;
  for (const line of text.split("\n")) {
    if (line.startsWith(bucketPrefix)) {
      const bound = line.slice(bucketPrefix.length, line.indexOf('"', bucketPrefix.length));
      histogram.buckets.set(bound === "+Inf" ? Infinity : Number(bound), Number(line.slice(line.lastIndexOf(" ") + 1)));
    } else if (line.startsWith(sumPrefix)) {
      histogram.sum = Number(line.slice(sumPrefix.length));
    } else if (line.startsWith(countPrefix)) {
      histogram.count = Number(line.slice(countPrefix.length));
    }
  }
  return histogram;
}

/** The histogram's change over a run: mean, and the bucket bound the p50 and p99 fall under. */
function serverLatency(before: Histogram, after: Histogram): ServerLatency {
  const count = after.count - before.count;
  const quantile = (q: number) => {
    for (const [bound, cumulative] of [...after.buckets].sort((a, b) => a[0] - b[0])) {
      if (cumulative - (before.buckets.get(bound) ?? 0) >= q * count) return bound === Infinity ? Infinity : bound * 1000;
    }
    return Infinity;
  };
  return { count, meanMs: round(count === 0 ? 0 : ((after.sum - before.sum) / count) * 1000), p50AtMostMs: quantile(0.5), p99AtMostMs: quantile(0.99) };
}

function diskBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).blocks * 512, 0);
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
