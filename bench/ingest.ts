import { fork, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { BENCH_ORIGIN, BENCH_SITE_KEY, type ServerKind } from "./ingest-server.js";
import { machine, type Machine } from "./machine.js";
import type { StreamLoadPlan, StreamLoadResult } from "./stream-load.js";

export interface IngestRun extends StreamLoadResult {
  server: ServerKind;
  /** CPU the server process used during the measured window, in cores (below 1 while saturated: other processes had the rest). */
  serverCpuCores: number;
  /** Frames answered per second of the server's CPU: the comparison that holds on a shared machine. */
  framesPerCpuSecond: number;
  machine: Machine;
}

export interface IngestBenchResult {
  inputs: { sessions: number; framesPerRound: number; roundIntervalMs: number; warmupSeconds: number; seconds: number };
  collector: IngestRun;
  bareUws: IngestRun;
  httpWs: IngestRun;
  /** Frames/s of the collector over the bare uWS server (target ≥ 0.5) and over the http + ws version (target ≥ 3); the same per CPU-second. */
  ratios: { collectorOverBare: number; collectorOverHttpWs: number; perCpuCollectorOverBare: number; perCpuCollectorOverHttpWs: number };
}

export interface MemoryRun {
  server: ServerKind;
  streams: number;
  connected: number;
  connectSeconds: number;
  /** RSS with no stream open, and with every stream open and idle (after a GC), in MB. */
  baselineRssMb: number;
  rssMb: number;
  perStreamKb: number;
  heapUsedMb: number;
  closedByServer: number;
  machine: Machine;
}

export interface MemoryBenchResult {
  collector: MemoryRun;
  httpWs: MemoryRun;
}

const TIMEOUT_MS = 180_000;

interface ServerProcess {
  child: ChildProcess;
  port: number;
  stats(): Promise<{ rss: number; heapUsed: number; cpuMicros: number }>;
  stop(): Promise<void>;
}

/** Waits for the first IPC message that `pick` accepts; rejects when the child exits or the time is up. */
function nextMessage<T>(child: ChildProcess, pick: (message: any) => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    const onMessage = (message: any) => {
      if (message?.error) return done(new Error(`${what}: ${message.error}`));
      const value = pick(message);
      if (value !== undefined) done(undefined, value);
    };
    const onExit = (code: number | null) => done(new Error(`${what}: exited with ${code}`));
    const done = (err?: Error, value?: T) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(value as T);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/**
 * `VAKT_BENCH_CPU_PROF=DIR` runs each server with `--cpu-prof`, its profile written to DIR when it
 * stops (open it in Chrome DevTools, Performance tab).
 */
function serverExecArgv(): string[] {
  const profileDir = process.env.VAKT_BENCH_CPU_PROF;
  return ["--expose-gc", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
}

async function startServer(kind: ServerKind): Promise<ServerProcess> {
  const child = fork(new URL("./ingest-server.js", import.meta.url), [kind], { execArgv: serverExecArgv(), stdio: ["ignore", "ignore", "inherit", "ipc"] });
  try {
    const port = await nextMessage(child, (m) => m?.port as number | undefined, `${kind} server`);
    return {
      child,
      port,
      stats: async () => {
        child.send("stats");
        return nextMessage(child, (m) => m?.stats, `${kind} server stats`);
      },
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.send("stop");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

function startLoad(plan: StreamLoadPlan): ChildProcess {
  const child = fork(new URL("./stream-load.js", import.meta.url), [], { execArgv: [], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  child.send(plan);
  return child;
}

export async function ingestRun(kind: ServerKind, plan: Omit<StreamLoadPlan, "url">, log: (line: string) => void): Promise<IngestRun> {
  const server = await startServer(kind);
  let load: ChildProcess | undefined;
  try {
    log(`ingest: ${kind}: ${plan.sessions} sessions, a round of ${plan.frames} frames every ${plan.intervalMs} ms at most, ${plan.warmupSeconds} + ${plan.seconds} s`);
    const at = machine();
    load = startLoad({ ...plan, url: `http://127.0.0.1:${server.port}` });
    // Listening for all three at once: the result can follow "measured" before the server's stats are in.
    const measuring = nextMessage(load, (m) => (m?.phase === "measuring" ? true : undefined), `${kind} load`);
    const measured = nextMessage(load, (m) => (m?.phase === "measured" ? true : undefined), `${kind} load`);
    const finished = nextMessage(load, (m) => m?.result as StreamLoadResult | undefined, `${kind} load`);
    finished.catch(() => {});
    await measuring;
    const [cpuBefore, startedAt] = [(await server.stats()).cpuMicros, performance.now()];
    await measured;
    const serverCpuCores = ((await server.stats()).cpuMicros - cpuBefore) / 1000 / (performance.now() - startedAt);
    const result = await finished;
    return {
      server: kind,
      ...result,
      serverCpuCores: Math.round(serverCpuCores * 100) / 100,
      framesPerCpuSecond: serverCpuCores > 0 ? Math.round(result.framesPerSecond / serverCpuCores) : 0,
      machine: at,
    };
  } finally {
    if (load && load.exitCode === null) load.kill("SIGKILL");
    await server.stop();
  }
}

/** Stream ingest, side by side: the collector, a bare uWS server (the ceiling), and the collector's stream code on `http` + `ws`. */
export async function benchIngest(options: { sessions: number; seconds: number; warmupSeconds?: number; log?: (line: string) => void }): Promise<IngestBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = {
    mode: "stream" as const,
    siteKey: BENCH_SITE_KEY,
    origin: BENCH_ORIGIN,
    sessions: options.sessions,
    connectConcurrency: 64,
    // 16 frames a second per socket stays under the stream's flood limit (200 frames per 10 s).
    frames: 16,
    intervalMs: 1000,
    warmupSeconds: options.warmupSeconds ?? 2,
    seconds: options.seconds,
  };
  const collector = await ingestRun("collector", plan, log);
  const bareUws = await ingestRun("bare", plan, log);
  const httpWs = await ingestRun("ws", plan, log);
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
  return {
    inputs: { sessions: plan.sessions, framesPerRound: plan.frames, roundIntervalMs: plan.intervalMs, warmupSeconds: plan.warmupSeconds, seconds: plan.seconds },
    collector,
    bareUws,
    httpWs,
    ratios: {
      collectorOverBare: ratio(collector.framesPerSecond, bareUws.framesPerSecond),
      collectorOverHttpWs: ratio(collector.framesPerSecond, httpWs.framesPerSecond),
      perCpuCollectorOverBare: ratio(collector.framesPerCpuSecond, bareUws.framesPerCpuSecond),
      perCpuCollectorOverHttpWs: ratio(collector.framesPerCpuSecond, httpWs.framesPerCpuSecond),
    },
  };
}

async function memoryRun(kind: ServerKind, streams: number, log: (line: string) => void): Promise<MemoryRun> {
  const server = await startServer(kind);
  let load: ChildProcess | undefined;
  try {
    const baseline = await server.stats();
    log(`memory: ${kind}: opening ${streams} idle streams`);
    const at = machine();
    load = startLoad({ mode: "idle", url: `http://127.0.0.1:${server.port}`, siteKey: BENCH_SITE_KEY, origin: BENCH_ORIGIN, sessions: streams, connectConcurrency: 64, frames: 0, intervalMs: 0, warmupSeconds: 0, seconds: 0 });
    const ready = await nextMessage(load, (m) => m?.ready as { connected: number; connectSeconds: number } | undefined, `${kind} idle streams`);
    // Let the sessions' writes and the sockets settle before reading the RSS.
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 200 + streams / 5)));
    const open = await server.stats();
    load.send("close");
    const { closedByServer } = await nextMessage(load, (m) => m?.closed as { closedByServer: number } | undefined, `${kind} idle streams`);
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    return {
      server: kind,
      streams,
      connected: ready.connected,
      connectSeconds: ready.connectSeconds,
      baselineRssMb: mb(baseline.rss),
      rssMb: mb(open.rss),
      perStreamKb: ready.connected > 0 ? Math.round(((open.rss - baseline.rss) / 1024 / ready.connected) * 10) / 10 : 0,
      heapUsedMb: mb(open.heapUsed),
      closedByServer,
      machine: at,
    };
  } finally {
    if (load && load.exitCode === null) load.kill("SIGKILL");
    await server.stop();
  }
}

/** RSS of the collector with `streams` idle streams open, and of the http + ws version beside it. */
export async function benchMemory(options: { streams: number; log?: (line: string) => void }): Promise<MemoryBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return { collector: await memoryRun("collector", options.streams, log), httpWs: await memoryRun("ws", options.streams, log) };
}
