import { performance } from "node:perf_hooks";
import { postClient } from "./assess-client.js";
import { syntheticAttempt } from "./assess-data.js";

/**
 * The assess benchmark's load generator. It runs in a child process (one per mode), so that
 * building, sending and timing requests shares neither an event loop, a heap and its garbage
 * collector, nor the process CPU figures with the collector it measures (it still shares the cores).
 */

export interface LoadPlan {
  /** `warmup`: `warmupRequests` sent `concurrency` at a time; `open`: the fixed-rate run; `closed`: the max-throughput run. One worker per mode, so the collector's metrics can be read in between. */
  mode: "warmup" | "open" | "closed";
  url: string;
  secretKey: string;
  /** Share of the benchmark's orders that come from the prior history's shoppers (the rest are first-timers and rings). */
  returningShare: number;
  warmupRequests: number;
  rate: number;
  seconds: number;
  closedSeconds: number;
  concurrency: number;
  maxSockets: number;
  seeds: { warmup: number; open: number; closed: number };
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface OpenLoopResult {
  targetRate: number;
  scheduled: number;
  ok: number;
  errors: number;
  /** Status codes (or `network`, `timeout`) of the failed requests. */
  errorKinds: Record<string, number>;
  /** Responses per second between the first scheduled send and the last response. */
  achievedRate: number;
  /** How late the generator itself sent, at worst (ms): a large figure means the client, not the collector, fell behind. */
  maxSendLagMs: number;
  /** From each request's scheduled send time to its response's end (ms). */
  latencyMs: Latency;
  /** CPU the load generator itself used per request (ms): it shares the cores with the collector. */
  clientCpuMsPerRequest: number;
}

export interface ClosedLoopResult {
  concurrency: number;
  seconds: number;
  ok: number;
  errors: number;
  throughput: number;
  latencyMs: Latency;
}

export type LoadResult =
  | { mode: "warmup"; requests: number; errors: number }
  | { mode: "open"; openLoop: OpenLoopResult }
  | { mode: "closed"; closedLoop: ClosedLoopResult };

const REQUEST_TIMEOUT_MS = 30_000;

export function latencySummary(values: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (q: number) => (n === 0 ? 0 : round(sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!));
  let sum = 0;
  for (const value of sorted) sum += value;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: n === 0 ? 0 : round(sorted[n - 1]!), mean: n === 0 ? 0 : round(sum / n) };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function client(plan: LoadPlan) {
  const http = postClient({
    url: plan.url,
    path: "/v1/assess",
    headers: { authorization: `Bearer ${plan.secretKey}`, "content-type": "application/json" },
    maxSockets: plan.maxSockets,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const body = (index: number, seed: number) => http.request(JSON.stringify(syntheticAttempt(index, seed, plan.returningShare).request));
  return { body, post: http.post, close: http.close };
}

/**
 * Open loop: request i is due at start + i/rate, whatever happened to the ones before it, and its
 * latency counts from that due time. A stalled collector therefore shows up as latency (queued
 * requests wait on busy sockets), not as a quietly lower send rate (coordinated omission).
 */
async function openLoop(plan: LoadPlan, http: ReturnType<typeof client>): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(plan.rate * plan.seconds));
  const bodies = Array.from({ length: total }, (_, i) => http.body(i, plan.seeds.open));
  const intervalMs = 1000 / plan.rate;
  const latencies = new Float64Array(total).fill(Number.NaN);
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let done = 0;
  let sent = 0;
  let maxSendLagMs = 0;
  let lastResponseAt = 0;
  const startAt = performance.now() + 20;
  const cpuBefore = process.cpuUsage();
  const deadline = startAt + plan.seconds * 1000 + REQUEST_TIMEOUT_MS + 1000;

  await new Promise<void>((finish) => {
    const fail = setTimeout(finish, deadline - performance.now());
    const tick = () => {
      const now = performance.now();
      while (sent < total && startAt + sent * intervalMs <= now) {
        const i = sent++;
        const dueAt = startAt + i * intervalMs;
        maxSendLagMs = Math.max(maxSendLagMs, now - dueAt);
        void http.post(bodies[i]!).then((status) => {
          const at = performance.now();
          latencies[i] = at - dueAt;
          lastResponseAt = Math.max(lastResponseAt, at);
          if (status === 200) ok++;
          else errorKinds[String(status)] = (errorKinds[String(status)] ?? 0) + 1;
          if (++done === total) {
            clearTimeout(fail);
            finish();
          }
        });
      }
      if (sent < total) setTimeout(tick, Math.max(0, startAt + sent * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, startAt - performance.now()));
  });

  const cpu = process.cpuUsage(cpuBefore);
  const unanswered = total - done;
  if (unanswered > 0) errorKinds.unanswered = unanswered;
  // An unanswered request counts with the least it waited: from its due time to the deadline.
  const counted = latencies.map((ms, i) => (Number.isNaN(ms) ? deadline - (startAt + i * intervalMs) : ms));
  return {
    targetRate: plan.rate,
    scheduled: total,
    ok,
    errors: total - ok,
    errorKinds,
    achievedRate: Math.round((done / Math.max(1, lastResponseAt - startAt)) * 1000 * 10) / 10,
    maxSendLagMs: round(maxSendLagMs),
    latencyMs: latencySummary(counted),
    clientCpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / total),
  };
}

/** Closed loop: `concurrency` clients each send their next request when the last one is answered: the ceiling, not a latency figure. */
async function closedLoop(plan: LoadPlan, http: ReturnType<typeof client>): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const startAt = performance.now();
  const stopAt = startAt + plan.closedSeconds * 1000;
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (performance.now() < stopAt) {
        const payload = http.body(next++, plan.seeds.closed);
        const sentAt = performance.now();
        const status = await http.post(payload);
        if (status === 200) latencies.push(performance.now() - sentAt);
        else errors++;
      }
    }),
  );
  const elapsedMs = performance.now() - startAt;
  return {
    concurrency: plan.concurrency,
    seconds: round(elapsedMs / 1000),
    ok: latencies.length,
    errors,
    throughput: Math.round((latencies.length / elapsedMs) * 1000 * 10) / 10,
    latencyMs: latencySummary(latencies),
  };
}

async function warmup(plan: LoadPlan, http: ReturnType<typeof client>): Promise<{ requests: number; errors: number }> {
  let errors = 0;
  const step = Math.max(1, plan.concurrency);
  for (let i = 0; i < plan.warmupRequests; i += step) {
    const batch = Array.from({ length: Math.min(step, plan.warmupRequests - i) }, (_, j) => http.post(http.body(i + j, plan.seeds.warmup)));
    errors += (await Promise.all(batch)).filter((status) => status !== 200).length;
  }
  return { requests: plan.warmupRequests, errors };
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const http = client(plan);
  try {
    if (plan.mode === "warmup") return { mode: "warmup", ...(await warmup(plan, http)) };
    if (plan.mode === "open") return { mode: "open", openLoop: await openLoop(plan, http) };
    return { mode: "closed", closedLoop: await closedLoop(plan, http) };
  } finally {
    http.close();
  }
}

if (process.send && process.env.VAKT_ASSESS_LOAD === "1") {
  const send = process.send.bind(process);
  process.once("message", (plan: LoadPlan) => {
    run(plan).then(
      (result) => send({ result }, () => process.exit(0)),
      (err: unknown) => send({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(0)),
    );
  });
}
