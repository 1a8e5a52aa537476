import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData, type MessagePort } from "node:worker_threads";
import { open } from "lmdb";
import type { AssessAnswer } from "../collector/assess/answer.js";
import { identifierHashes } from "../collector/assess/identities.js";
import { IdentifierHasher } from "../collector/identity/hash.js";
import type { IdentifierKind } from "../collector/identity/normalise.js";
import { idFloor } from "../collector/ids.js";
import type { StoreConfig } from "../collector/config.js";
import { DEFAULT_RULESET } from "../collector/rules/default-ruleset.js";
import { openStore } from "../collector/store/open.js";
import type { AttemptRecord, IdentifierHashes, Store } from "../collector/store/types.js";
import { attemptTime, syntheticAttempt } from "./assess-data.js";

/**
 * Fills a store with the assess benchmark's prior history through `store.recordAttempt`, the path
 * every assess takes. A worker thread builds the attempts (synthetic orders, normalised and hashed
 * with the collector's own code and key); the main thread only hands them to the store, a few
 * hundred transactions at a time, which LMDB commits as one batch.
 */

export interface FillPlan {
  count: number;
  siteKey: string;
  seed: number;
  returningShare: number;
  nowMs: number;
  days: number;
  /**
   * Attempts handed to the store at once, and how many such groups may be outstanding. LMDB commits
   * whatever is queued as one transaction; much more than a few hundred attempts per transaction and
   * its dirty-page list (a sorted array) makes each further write slower.
   */
  batch?: number;
  inFlight?: number;
}

export interface FillResult {
  seconds: number;
  rate: number;
  /** Main-thread time spent waiting for the worker's next attempts (the build, not the store, was the limit). */
  starvedSeconds: number;
}

/** The part of an attempt the worker sends: the ids and hashes. The answer (the same for every prior attempt) is added by the main thread. */
export interface BuiltAttempt {
  id: string;
  orderId: string;
  tsMs: number;
  ids: IdentifierHashes;
  tokenJti?: string;
}

/** Attempts per message from the builder. */
const MESSAGE_ATTEMPTS = 2000;
/** Messages the builder may be ahead. */
const PREFETCH_MESSAGES = 3;

/** The collector's hasher, memoised: the prior history hashes a few million distinct identifiers about 8 million times. */
export class MemoHasher extends IdentifierHasher {
  private readonly memo = new Map<string, string>();
  override hash(kind: IdentifierKind, normalisedValue: string): string {
    const key = `${kind}:${normalisedValue}`;
    let hash = this.memo.get(key);
    if (hash === undefined) {
      hash = super.hash(kind, normalisedValue);
      this.memo.set(key, hash);
    }
    return hash;
  }
}

/**
 * Records the prior history into the data directory before the collector opens it, through the
 * collector's own store (openStore → recordAttempt), but inside an LMDB environment the benchmark
 * opened first with `noSync`: lmdb-js shares one environment per path within a process, so the
 * store's commits skip the fsync. The history is the same either way; the fsyncs only cost time,
 * because every commit rewrites pages scattered over the whole file (see docs/BENCHMARKS.md).
 * Returns the identifier hash key the store created, which the collector then finds.
 */
export async function loadPriorHistory(storeConfig: StoreConfig, plan: FillPlan, log: (line: string) => void): Promise<FillResult & { hashKey: Buffer }> {
  if (storeConfig.kind !== "lmdb") throw new Error("the assess benchmark fills an LMDB store");
  const unsynced = open({ path: resolve(storeConfig.path), maxDbs: 16, noSync: true });
  const store = openStore(storeConfig);
  try {
    const hashKey = await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32));
    return { ...(await fillPriorAttempts(store, hashKey, plan, log)), hashKey };
  } finally {
    await store.close();
    await unsynced.close();
  }
}

/**
 * The attempts the fill worker builds for `plan`, in the batches it sends them, with `ahead` batches
 * requested in advance so that it builds the next while the caller writes this one. `waited.ms`
 * grows by the time the caller spent waiting for the builder.
 */
export async function* builtBatches(plan: FillPlan, hashKey: Buffer, ahead: number, waited: { ms: number }): AsyncGenerator<BuiltAttempt[]> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { assessFill: { ...plan, hashKey } } });
  const received: BuiltAttempt[][] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let isDone = false;
  worker.on("message", (message: { attempts?: BuiltAttempt[]; done?: boolean; error?: string }) => {
    if (message.attempts) received.push(message.attempts);
    if (message.done) isDone = true;
    if (message.error) failure = new Error(`assess fill worker: ${message.error}`);
    wake?.();
  });
  worker.on("error", (err) => {
    failure = err;
    wake?.();
  });
  try {
    for (let i = 0; i < ahead; i++) worker.postMessage("more");
    for (;;) {
      const waitFrom = performance.now();
      while (received.length === 0 && !isDone && !failure) await new Promise<void>((resolve) => (wake = resolve));
      waited.ms += performance.now() - waitFrom;
      if (failure) throw failure;
      const attempts = received.shift();
      if (!attempts) return;
      worker.postMessage("more");
      yield attempts;
    }
  } finally {
    await worker.terminate();
  }
}

export async function fillPriorAttempts(store: Store, hashKey: Buffer, plan: FillPlan, log: (line: string) => void): Promise<FillResult> {
  const batch = plan.batch ?? 50;
  const maxInFlight = plan.inFlight ?? 8;
  const started = performance.now();
  const waited = { ms: 0 };
  let recorded = 0;
  let reported = 0;
  const inFlight: Promise<unknown>[] = [];
  for await (const attempts of builtBatches(plan, hashKey, PREFETCH_MESSAGES, waited)) {
    for (let start = 0; start < attempts.length; start += batch) {
      const writes: Promise<void>[] = [];
      for (const built of attempts.slice(start, start + batch)) writes.push(store.recordAttempt(priorRecord(built, plan.siteKey)));
      inFlight.push(Promise.all(writes));
      if (inFlight.length >= maxInFlight) await inFlight.shift();
    }
    recorded += attempts.length;
    if (recorded - reported >= 100_000) {
      reported = recorded;
      const seconds = (performance.now() - started) / 1000;
      log(`assess:   ${recorded.toLocaleString("en")} attempts recorded (${Math.round(recorded / seconds).toLocaleString("en")}/s)`);
    }
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round(seconds, 1), rate: Math.round(plan.count / seconds), starvedSeconds: round(waited.ms / 1000, 1) };
}

const MATRIX = DEFAULT_RULESET.rules.map((rule) => ({ rule: rule.definition.id, severity: "none" as const, ms: 0.02, status: "ok" as const }));

/** A prior attempt's record as the fill stores it: allowed, no reasons, every default rule in the matrix. */
export function priorRecord(built: BuiltAttempt, siteKey: string): AttemptRecord {
  const answer: AssessAnswer = {
    id: built.id,
    orderId: built.orderId,
    decision: "allow",
    score: 0,
    token: { status: built.tokenJti === undefined ? "missing" : "valid" },
    reasons: [],
    matrix: MATRIX,
    device: built.ids.device === undefined ? null : { id: `dev_${built.ids.device}`, firstSeen: new Date(built.tsMs).toISOString(), attempts: 1 },
    shadow: [],
  };
  return { ...built, siteKey, answer, links: [] };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The builder: attempts in time order (the order a collector would have recorded them), with order
 * numbers that grow with time as a shop's do. Sends MESSAGE_ATTEMPTS at a time, one message per "more".
 */
function buildAttempts(plan: FillPlan & { hashKey: Uint8Array }, port: MessagePort): void {
  const hasher = new MemoHasher(Buffer.from(plan.hashKey));
  const times = new Float64Array(plan.count);
  for (let i = 0; i < plan.count; i++) times[i] = attemptTime(i, plan.nowMs, plan.days);
  const order = Uint32Array.from({ length: plan.count }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const random = randomBytes(26 * MESSAGE_ATTEMPTS);
  let position = 0;
  port.on("message", () => {
    if (position >= plan.count) {
      port.postMessage({ done: true });
      return;
    }
    randomBytes(random.length).copy(random);
    const attempts: BuiltAttempt[] = [];
    for (let n = 0; n < MESSAGE_ATTEMPTS && position < plan.count; n++, position++) {
      const index = order[position]!;
      const tsMs = times[index]!;
      const { request, deviceId, hasToken } = syntheticAttempt(index, plan.seed, plan.returningShare);
      const ids = identifierHashes(hasher, { siteKey: plan.siteKey, order: request.order, ip: request.ip, ...(deviceId === undefined ? {} : { deviceId }) });
      const bytes = random.subarray(n * 26, n * 26 + 26);
      // As collector/ids.ts newId("att", tsMs) makes them: the time, then 10 random bytes.
      const built: BuiltAttempt = { id: `${idFloor("att", tsMs)}${bytes.subarray(0, 10).toString("base64url")}`, orderId: `ord_${String(position + 1).padStart(8, "0")}`, tsMs, ids };
      if (hasToken) built.tokenJti = bytes.subarray(10, 26).toString("base64url");
      attempts.push(built);
    }
    port.postMessage({ attempts });
  });
}

if (!isMainThread && parentPort && workerData?.assessFill) {
  const port = parentPort;
  try {
    buildAttempts(workerData.assessFill as FillPlan & { hashKey: Uint8Array }, port);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}
