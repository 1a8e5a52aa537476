import type { AssessBenchResult } from "./assess.js";
import type { AssessMatrixResult, StoreMatrix } from "./assess-matrix.js";
import type { BacktestBenchResult } from "./backtest.js";
import type { FirstTokenResult } from "./first-token.js";
import type { IngestBenchResult, IngestRun, MemoryBenchResult, MemoryRun } from "./ingest.js";
import { machineTag } from "./machine.js";

/** The readable block `npm run bench` prints: one line per result, each with the machine's cores, the load average and the inputs. */

const n = (value: number) => value.toLocaleString("en");
const round = (value: number) => (value >= 100 ? Math.round(value) : value >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (isMet: boolean | null) => (isMet === null ? "not measured (smaller run)" : isMet ? "met" : "NOT met");

export function printFirstToken(r: FirstTokenResult): void {
  const tag = machineTag(r.machine);
  const lt = (l: { count: number; totalMs: number; blockingMs: number }) => `${l.count} long tasks, ${l.totalMs} ms (blocking ${l.blockingMs} ms)`;
  console.log(`${tag} script size            /v1/vakt.js ${n(r.scriptBytes.gzip)} B gzip -9 (${n(r.scriptBytes.min)} min); FingerprintJS alone ${n(r.fingerprintjsBytes.gzip)} B (${n(r.fingerprintjsBytes.min)}); over by ${kb(r.scriptBytes.gzip - r.fingerprintjsBytes.gzip)} (target ≤ 6 KB: ${verdict(r.targets.sizeIsMet)})`);
  console.log(`${tag} first token            median ${r.medianFirstTokenFromScriptMs} ms from script load [${r.firstTokenFromScriptMs.join(", ")}], ${r.medianFirstTokenMs} ms from navigation; ${r.loads} fresh headless contexts`);
  console.log(`${tag} FingerprintJS alone    median ${r.medianFingerprintjsAloneMs} ms from script load to visitor id [${r.fingerprintjsAloneMs.join(", ")}]; inside our script ${r.medianFingerprintMs} ms (target: first token < a quarter: ${verdict(r.targets.firstTokenIsMet)})`);
  console.log(`${tag} long tasks per load    ours: median ${lt(r.longTasks.medianVakt)}; FingerprintJS alone: median ${lt(r.longTasks.medianFingerprintjsAlone)}`);
}

export function printIngest(r: IngestBenchResult): void {
  const line = (label: string, run: IngestRun) =>
    console.log(
      `${machineTag(run.machine)} ingest ${label.padEnd(16)} ${n(run.framesPerSecond)} frames/s of ${n(run.offeredFramesPerSecond)} offered; ack p50 ${round(run.ackLatencyMs.p50)} · p99 ${round(run.ackLatencyMs.p99)} · max ${round(run.ackLatencyMs.max)} ms; ` +
        `server ${run.serverCpuCores} cores (${n(run.framesPerCpuSecond)} frames per CPU-second), client ${run.clientCpuCores} cores` +
        (run.unanswered || run.errorFrames || run.closedByServer || run.connectFailures ? `; ${run.connectFailures} failed to open, ${run.unanswered} rounds unanswered, ${run.errorFrames} error frames, ${run.closedByServer} closed` : ""),
    );
  console.log(`${machineTag(r.collector.machine)} ingest inputs          ${n(r.inputs.sessions)} sessions × a round of ${r.inputs.framesPerRound} frames (environment, fingerprint, behaviour, token request) every ${r.inputs.roundIntervalMs} ms at most, ${r.inputs.seconds} s after ${r.inputs.warmupSeconds} s warm-up`);
  line("collector", r.collector);
  line("bare uWS", r.bareUws);
  line("http + ws", r.httpWs);
  // Below 2,000 sessions the servers may not be saturated, and a ratio of unsaturated servers says nothing.
  const isFull = r.inputs.sessions >= 2000;
  console.log(
    `${machineTag(r.collector.machine)} ingest ratios           collector / bare uWS ${r.ratios.collectorOverBare} (target ≥ 0.5: ${verdict(isFull ? r.ratios.collectorOverBare >= 0.5 : null)}); collector / http + ws ${r.ratios.collectorOverHttpWs} (target ≥ 3: ${verdict(isFull ? r.ratios.collectorOverHttpWs >= 3 : null)}); per CPU-second ${r.ratios.perCpuCollectorOverBare} and ${r.ratios.perCpuCollectorOverHttpWs}`,
  );
}

export function printMemory(r: MemoryBenchResult): void {
  const line = (label: string, run: MemoryRun) =>
    console.log(
      `${machineTag(run.machine)} memory ${label.padEnd(16)} RSS ${run.rssMb} MB with ${n(run.connected)} of ${n(run.streams)} idle streams open (${run.baselineRssMb} MB with none; ${run.perStreamKb} KB per stream; heap ${run.heapUsedMb} MB)` +
        (label === "collector" ? `; target < 200 MB at 10,000: ${verdict(run.streams < 10_000 ? null : run.connected === run.streams && run.rssMb < 200)}` : ""),
    );
  line("collector", r.collector);
  line("http + ws", r.httpWs);
}

export function printBacktest(results: BacktestBenchResult[]): void {
  for (const run of results) {
    const notes = [
      ...(run.runs ? [`the median of ${run.runs.length} runs: ${run.runs.map(n).join(", ")}`] : []),
      ...(run.attempts >= 100_000 && run.rulesets.length === 1 ? [`target ≥ 20,000/s for the default ruleset: ${verdict(run.attemptsPerSecond >= 20_000)}`] : []),
    ];
    console.log(
      `${machineTag(run.machine)} backtest replay        ${n(run.attemptsPerSecond)} attempts/s${notes.length ? ` (${notes.join("; ")})` : ""} through ${run.rulesets.join(" + ")}, ` +
        `${n(run.attempts)} attempts of ${run.input} in ${run.seconds} s on ${run.threads} thread${run.threads === 1 ? "" : "s"} (${run.cpuSeconds} CPU s); ` +
        `read and replayed in ${run.readAndReplaySeconds} s (${n(Math.round(run.attempts / run.readAndReplaySeconds))} attempts/s)`,
    );
  }
}

export function printAssessMatrix(r: AssessMatrixResult): void {
  if (r.inputs.stores.includes("lmdb")) printStoreMatrix(r);
  else console.log(`assess in LMDB             not run (--stores ${r.inputs.stores.join(",")})`);
  if (r.redis) printStoreMatrix(r.redis);
  else console.log(`assess in Redis            not run (--stores ${r.inputs.stores.join(",")})`);
}

function printStoreMatrix(r: StoreMatrix): void {
  const store = r.store === "lmdb" ? "LMDB" : "Redis";
  if (r.server) console.log(`assess ${store} server        redis-server ${r.server.version}, ${r.server.persistence}, ${r.server.args.join(" ")}; a fresh server per store size, on this machine`);
  for (const fill of r.fills) {
    const memory = fill.memoryBytes === undefined ? "" : `, ${(fill.memoryBytes / 2 ** 30).toFixed(2)} GiB in memory (${fill.attempts > 0 ? `${kb(fill.memoryBytes / fill.attempts)} per attempt` : "empty"})`;
    console.log(`${machineTag(fill.machine)} assess ${store.padEnd(5)} store     ${n(fill.attempts)} prior attempts bulk-loaded in ${fill.seconds} s (${n(fill.rate)}/s), ${(fill.dataBytes / 2 ** 30).toFixed(2)} GiB on disk${memory}`);
  }
  for (const c of r.cells) {
    const errors = Object.entries(c.errorKinds).map(([kind, count]) => `${count}× ${kind}`).join(", ");
    const isTarget = c.priorAttempts === 1_000_000 && c.offeredRate === 1000;
    console.log(
      `${machineTag(c.machine)} assess ${store.padEnd(5)} ${n(c.priorAttempts).padStart(9)} prior, ${n(c.offeredRate).padStart(5)}/s offered for ${c.seconds} s: p50 ${n(round(c.latencyMs.p50))} · p99 ${n(round(c.latencyMs.p99))} ms; ${n(c.achievedRate)}/s achieved, ${n(c.ok)} ok` +
        (c.errors ? `, errors: ${errors}` : "") +
        (isTarget ? ` (target p99 ≤ 5 ms: ${verdict(c.errors === 0 && c.latencyMs.p99 <= 5)})` : ""),
    );
  }
}

export function printAssess({ machine, target, prior, history, openLoop, closedLoop }: AssessBenchResult): void {
  const tag = machineTag(machine);
  const ms = (l: { p50: number; p90: number; p99: number; max: number }) => `p50 ${n(round(l.p50))} · p90 ${n(round(l.p90))} · p99 ${n(round(l.p99))} · max ${n(round(l.max))} ms`;
  const errors = Object.entries(openLoop.errorKinds).map(([kind, count]) => `${count}× ${kind}`).join(", ");
  console.log(`${tag} assess machine          ${machine.cores} cores (${machine.cpu}), node ${machine.node}, load average ${machine.loadAverage} as the load started`);
  const filled = prior.heldAttempts === undefined ? `filled at ${n(prior.fillRate)} attempts/s (${prior.fillSeconds} s)` : `reused: ${n(prior.heldAttempts)} held, with earlier runs' attempts`;
  console.log(`${tag} assess prior history    ${n(prior.attempts)} attempts over ${prior.days} days, ${filled}, ${(prior.dataBytes / 2 ** 30).toFixed(2)} GiB LMDB`);
  console.log(
    `${tag} assess history read     ${history.meanEntries} entries per assess on average (p50 ${history.p50Entries}, p99 ${n(history.p99Entries)}, max ${n(history.maxEntries)}); ` +
      `${Math.round(history.withHistoryShare * 100)}% of orders share an identifier with an earlier attempt, ` +
      `${Math.round(history.withStrongHistoryShare * 100)}% an e-mail, phone, card, customer or address`,
  );
  const byKind = Object.entries(history.meanEntriesByKind).map(([kind, mean]) => `${kind} ${mean}`).join(", ");
  console.log(`${tag}   by identifier         ${byKind}; ${(history.scansAtLimitShare * 100).toFixed(2)}% of scans stop at the 1,000-entry limit`);
  console.log(
    `${tag} assess ${n(openLoop.targetRate)}/s open loop  ${ms(openLoop.latencyMs)}; ${n(openLoop.achievedRate)}/s achieved, ${n(openLoop.ok)}/${n(openLoop.scheduled)} ok` +
      (openLoop.errors > 0 ? `, errors: ${errors}` : ""),
  );
  console.log(
    `${tag}   collector's own       mean ${round(openLoop.server.meanMs)} ms, p50 ≤ ${openLoop.server.p50AtMostMs} ms, p99 ≤ ${openLoop.server.p99AtMostMs} ms (vakt_assess_duration_seconds), ` +
      `of it recording the attempt mean ${round(openLoop.server.recording.meanMs)} ms, p50 ≤ ${openLoop.server.recording.p50AtMostMs} ms, p99 ≤ ${openLoop.server.recording.p99AtMostMs} ms; ` +
      `event loop delay p99 ${round(openLoop.eventLoopDelayMs.p99)} ms (max ${round(openLoop.eventLoopDelayMs.max)}); ${openLoop.cpuCores} cores busy; ` +
      `CPU per assess ${openLoop.cpuMsPerAssess.mainThread} ms on the event loop, ${openLoop.cpuMsPerAssess.otherThreads} ms on other threads, ` +
      `${openLoop.clientCpuMsPerRequest} ms in the load generator`,
  );
  if (closedLoop) {
    console.log(
      `${tag} assess max throughput   ${n(closedLoop.throughput)}/s with ${closedLoop.concurrency} concurrent clients (p50 ${round(closedLoop.latencyMs.p50)} · p99 ${round(closedLoop.latencyMs.p99)} ms)` +
        (closedLoop.errors > 0 ? `, ${closedLoop.errors} errors` : ""),
    );
  }
  console.log(`${tag} assess target           p99 < ${target.p99Ms} ms at ${n(target.rate)}/s with ${n(target.attempts)} prior attempts: ${verdict(target.isMet)}`);
}
