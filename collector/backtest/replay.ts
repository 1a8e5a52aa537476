import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Decision } from "../rules/policy.js";
import type { Ruleset } from "../rules/ruleset.js";
import type { IdentifierHashes, Label } from "../store/types.js";
import type { BacktestAttempt } from "./input.js";
import { ReplayLane, type Evaluated, type LaneResult } from "./replay-lane.js";
import { ChunkPacker, portableRuleset, transferList } from "./replay-worker.js";

export interface OutcomeCounts {
  total: number;
  /** review or deny */
  stopped: number;
  challenged: number;
}

export interface RulesetStats {
  ruleset: string;
  attempts: number;
  fraud: OutcomeCounts;
  legit: OutcomeCounts;
  decisions: Record<Decision, number>;
  /** Attempts on which each rule gave a severity other than none. */
  rules: Record<string, number>;
  /** Of each rule's hits on labelled attempts, the share that were fraud (null without labelled hits). */
  precision: Record<string, number | null>;
}

export interface Change {
  line: number;
  orderId: string;
  ts: string;
  label: Label | null;
  baseline: Decision;
  candidate: Decision;
}

export interface ReplayResult {
  candidate: RulesetStats;
  baseline?: RulesetStats;
  changed?: number;
  changes?: Change[];
  durationMs: number;
  attemptsPerSecond: number;
}

export interface ReplayOptions {
  candidate: { name: string; ruleset: Ruleset };
  baseline?: { name: string; ruleset: Ruleset };
  labelDelayMs?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * 2 to share the rule evaluation with a worker thread, 1 for this thread alone. By default two
   * threads replay inputs of at least 10,000 attempts on a machine with two or more cores (once
   * built: the worker runs from dist/).
   */
  threads?: 1 | 2;
}

const WORKER_URL = new URL("./replay-worker.js", import.meta.url);
const MIN_ATTEMPTS_FOR_WORKER = 10_000;
/** Attempts handed to the worker at a time; the main thread stays one chunk ahead of it. */
const CHUNK = 1024;

/**
 * Replays attempts in time order through the assess path on a fresh replay store, so every attempt is
 * matched only against earlier ones (see ReplayLane). A label becomes known `labelDelayMs` after its
 * attempt, as it would have been learnt.
 *
 * The candidate decides and the baseline is evaluated beside it on the same context, as a shadow
 * ruleset is live: what the store holds (identifiers, times, labels from the input) does not depend on
 * any decision, so both rulesets see exactly the history they would see on stores of their own, and
 * each attempt's identifiers are normalised, read and recorded once for both.
 *
 * For the same reason the evaluation can be shared between two threads: this thread normalises every
 * attempt's identifiers and hands them, a chunk at a time, to a worker; both record every attempt and
 * apply every label, and each evaluates its share (this thread gives the worker more or less of each
 * chunk as the worker keeps up). The counts are merged in replay order, so the result is the same
 * on one thread or two, byte for byte.
 */
export async function replay(input: BacktestAttempt[], options: ReplayOptions): Promise<ReplayResult> {
  const attempts = [...input].sort((a, b) => a.tsMs - b.tsMs || a.line - b.line);
  const { candidate, baseline } = options;
  const labelDelayMs = options.labelDelayMs ?? 0;
  const threads = options.threads ?? replayThreads(attempts.length);
  const lane = new ReplayLane(candidate.ruleset, baseline?.ruleset, labelDelayMs);
  const started = performance.now();
  const lanes = threads === 2 ? await replayOnTwo(attempts, lane, options) : [await replayOnOne(attempts, lane, options.onProgress)];
  return replayResult(lanes, options, attempts.length, performance.now() - started);
}

/** The lanes' counts merged into one replay's result. */
export function replayResult(lanes: LaneResult[], options: Pick<ReplayOptions, "candidate" | "baseline">, attempts: number, durationMs: number): ReplayResult {
  const { candidate, baseline } = options;
  const merged = mergeLanes(lanes, [candidate.name, ...(baseline ? [baseline.name] : [])]);
  const result: ReplayResult = {
    candidate: merged.stats[0]!,
    durationMs,
    attemptsPerSecond: attempts / Math.max(durationMs / 1000, 1e-9),
  };
  if (baseline) {
    result.baseline = merged.stats[1]!;
    result.changed = merged.changes.length;
    result.changes = merged.changes;
  }
  return result;
}

/** How many threads `replay` uses by default for this many attempts. */
export function replayThreads(attempts: number): 1 | 2 {
  return attempts >= MIN_ATTEMPTS_FOR_WORKER && availableParallelism() >= 2 && existsSync(WORKER_URL) ? 2 : 1;
}

async function replayOnOne(attempts: BacktestAttempt[], lane: ReplayLane, onProgress: ReplayOptions["onProgress"]): Promise<LaneResult> {
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!;
    const ids = lane.identify(attempt.order, attempt.ip, attempt.deviceId);
    const pending = lane.next(i, attempt.tsMs, ids, attempt.label, attempt);
    if (pending) await pending;
    if (onProgress && (i % 500 === 499 || i === attempts.length - 1)) onProgress(i + 1, attempts.length);
  }
  return lane.result();
}

async function replayOnTwo(attempts: BacktestAttempt[], lane: ReplayLane, options: ReplayOptions): Promise<LaneResult[]> {
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_URL, {
    workerData: {
      replayLane: {
        candidate: portableRuleset(options.candidate.ruleset),
        ...(options.baseline ? { baseline: portableRuleset(options.baseline.ruleset) } : {}),
        labelDelayMs: options.labelDelayMs ?? 0,
        progress,
      },
    },
  });
  const workerResult = new Promise<LaneResult>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the replay worker stopped (exit code ${code})`)));
  });
  // Never left unhandled while this thread is busy; awaited below.
  workerResult.catch(() => {});
  try {
    const total = attempts.length;
    const ids: IdentifierHashes<number>[] = new Array(total);
    const isOurs = new Uint8Array(total);
    /** Share of each chunk the worker evaluates, moved by how far behind this thread it runs. */
    let workerShare = 0.6;
    let credit = 0;
    const packer = new ChunkPacker();
    const handOver = (from: number) => {
      const to = Math.min(from + CHUNK, total);
      const chunk = { tsMs: [] as number[], ids: [] as IdentifierHashes<number>[], labels: [] as (Label | null)[], evaluated: [] as (Evaluated | null)[] };
      for (let i = from; i < to; i++) {
        const attempt = attempts[i]!;
        ids[i] = lane.identify(attempt.order, attempt.ip, attempt.deviceId);
        credit += workerShare;
        const isWorkers = credit >= 1;
        if (isWorkers) credit -= 1;
        isOurs[i] = isWorkers ? 0 : 1;
        chunk.tsMs.push(attempt.tsMs);
        chunk.ids.push(ids[i]!);
        chunk.labels.push(attempt.label);
        chunk.evaluated.push(isWorkers ? { line: attempt.line, order: attempt.order, ...(attempt.signals === undefined ? {} : { signals: attempt.signals }) } : null);
      }
      // Packed rather than structured-cloned: V8 clones many small objects far slower than msgpack packs them.
      const packed = packer.pack(from, chunk.tsMs, chunk.ids, chunk.labels, chunk.evaluated);
      worker.postMessage(packed, transferList(packed));
    };
    handOver(0);
    for (let from = 0; from < total; from += CHUNK) {
      if (from + CHUNK < total) {
        const behind = from - Atomics.load(progress, 0);
        if (behind > CHUNK) workerShare = Math.max(0.1, workerShare - 0.05);
        else if (behind <= 0) workerShare = Math.min(0.9, workerShare + 0.05);
        handOver(from + CHUNK);
      }
      const to = Math.min(from + CHUNK, total);
      for (let i = from; i < to; i++) {
        const attempt = attempts[i]!;
        const pending = lane.next(i, attempt.tsMs, ids[i]!, attempt.label, isOurs[i] === 1 ? attempt : undefined);
        if (pending) await pending;
        if (options.onProgress && (i % 500 === 499 || i === total - 1)) options.onProgress(Math.min(i + 1, Atomics.load(progress, 0)), total);
      }
    }
    worker.postMessage("end");
    const result = await workerResult;
    options.onProgress?.(total, total);
    return [lane.result(), result];
  } finally {
    await worker.terminate();
  }
}

/** The lanes' counts as one replay's: sums, rules in the order they first hit, changes in replay order. */
function mergeLanes(lanes: LaneResult[], names: string[]): { stats: RulesetStats[]; changes: Change[] } {
  const stats = names.map((ruleset, r) => {
    const merged: RulesetStats = {
      ruleset,
      attempts: 0,
      fraud: { total: 0, stopped: 0, challenged: 0 },
      legit: { total: 0, stopped: 0, challenged: 0 },
      decisions: { allow: 0, challenge: 0, review: 0, deny: 0 },
      rules: {},
      precision: {},
    };
    const firstHit = new Map<string, number>();
    const labelled = new Map<string, { fraud: number; legit: number }>();
    for (const { tallies } of lanes) {
      const tally = tallies[r]!;
      merged.attempts += tally.attempts;
      for (const label of ["fraud", "legit"] as const) {
        merged[label].total += tally[label].total;
        merged[label].stopped += tally[label].stopped;
        merged[label].challenged += tally[label].challenged;
      }
      for (const decision of Object.keys(merged.decisions) as Decision[]) merged.decisions[decision] += tally.decisions[decision];
      for (const [rule, first] of Object.entries(tally.firstHit)) firstHit.set(rule, Math.min(first, firstHit.get(rule) ?? Infinity));
      for (const [rule, hits] of Object.entries(tally.labelledHits)) {
        const sum = labelled.get(rule) ?? { fraud: 0, legit: 0 };
        sum.fraud += hits.fraud;
        sum.legit += hits.legit;
        labelled.set(rule, sum);
      }
    }
    for (const [rule] of [...firstHit].sort((a, b) => a[1] - b[1])) {
      merged.rules[rule] = lanes.reduce((sum, lane) => sum + (lane.tallies[r]!.rules[rule] ?? 0), 0);
    }
    for (const rule of Object.keys(merged.rules)) {
      const hits = labelled.get(rule);
      const count = hits ? hits.fraud + hits.legit : 0;
      merged.precision[rule] = count > 0 ? hits!.fraud / count : null;
    }
    return merged;
  });
  const changes = lanes
    .flatMap((lane) => lane.changes)
    .sort((a, b) => a.index - b.index)
    .map(({ line, orderId, tsMs, label, baseline, candidate }): Change => ({ line, orderId, ts: new Date(tsMs).toISOString(), label, baseline, candidate }));
  return { stats, changes };
}
