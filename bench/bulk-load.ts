import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { open, type Database, type Key, type RootDatabase } from "lmdb";
import type { StoreConfig } from "../collector/config.js";
import { keys } from "../collector/store/keys.js";
import { encodeAttemptIdentifiers } from "../collector/store/lmdb/attempt-identifiers.js";
import { LMDB_LAYOUT } from "../collector/store/lmdb/lmdb-store.js";
import { openStore } from "../collector/store/open.js";
import type { AttemptRecord } from "../collector/store/types.js";
import { builtBatches, priorRecord, type FillPlan, type FillResult } from "./assess-fill.js";

/**
 * A bulk loader for the benchmarks' prior history: it writes into an LMDB data directory exactly the
 * entries LmdbStore.recordAttempt writes (same named databases, keys from store/keys.ts, same values,
 * same encoder options; a new attempt under open review also goes into the open-review index; the
 * store's layout mark), but many thousand attempts per synchronous transaction, each database's
 * entries in key order, without fsync. recordAttempt's small random-key transactions copy a leaf
 * page per entry; sorted large ones copy each touched page once. Checked against recordAttempt in
 * bulk-load.test.ts. Only for a store nobody else has open.
 */

type Value = unknown;
/** A value already encoded by the database's own encoder, and the key in a form that sorts as LMDB sorts it. */
type Entry = { key: Key; sortKey: string; bytes: Buffer };

interface Encoder {
  encode(value: unknown): Buffer;
}

/** The databases recordAttempt writes, opened as LmdbStore opens them. */
export class BulkWriter {
  private readonly root: RootDatabase;
  /** Each database twice: as the store opens it (for its encoder), and raw, to put bytes encoded once per attempt. */
  private readonly dbs: Record<"attempts" | "orders" | "tokenUses" | "openReviews", { encoder: Encoder; raw: Database<Buffer, Key> }>;
  private readonly identifierRows: Database<Buffer, Key>;

  constructor(path: string) {
    this.root = open({ path: resolve(path), maxDbs: 24, noSync: true });
    const db = (name: string) => ({
      encoder: (this.root.openDB<Value, Key>({ name }) as unknown as { encoder: Encoder }).encoder,
      raw: this.root.openDB<Buffer, Key>({ name, encoding: "binary" }),
    });
    this.dbs = { attempts: db("attempts"), orders: db("orders"), tokenUses: db("token-uses"), openReviews: db("open-reviews") };
    this.identifierRows = this.root.openDB<Buffer, Key>({ name: "attempt-identifiers", encoding: "binary" });
    this.root.openDB<unknown, Key>({ name: "meta" }).putSync(keys.layout(), LMDB_LAYOUT);
  }

  /** Writes the attempts in one transaction, as recordAttempt would write each of them. */
  write(records: readonly AttemptRecord[]): void {
    const entries = { attempts: [] as Entry[], orders: [] as Entry[], tokenUses: [] as Entry[], openReviews: [] as Entry[] };
    const rows: Entry[] = [];
    const encode = (db: keyof typeof entries, value: unknown) => Buffer.from(this.dbs[db].encoder.encode(value));
    for (const attempt of records) {
      entries.attempts.push({ key: keys.attempt(attempt.id), sortKey: attempt.id, bytes: encode("attempts", attempt) });
      entries.orders.push({ key: keys.order(attempt.siteKey, attempt.orderId), sortKey: `${attempt.siteKey}\0${attempt.orderId}`, bytes: encode("orders", attempt.id) });
      if (attempt.tokenJti !== undefined) {
        entries.tokenUses.push({ key: keys.tokenUse(attempt.tokenJti), sortKey: attempt.tokenJti, bytes: encode("tokenUses", { orderId: attempt.orderId, attemptId: attempt.id }) });
      }
      if (attempt.review?.status === "open") entries.openReviews.push({ key: keys.openReview(attempt.id), sortKey: attempt.id, bytes: encode("openReviews", attempt.siteKey) });
      rows.push({ key: keys.attempt(attempt.id), sortKey: attempt.id, bytes: encodeAttemptIdentifiers(attempt.tsMs, attempt.siteKey, attempt.ids) });
    }
    const bySortKey = (a: Entry, b: Entry) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0);
    this.root.transactionSync(() => {
      for (const name of Object.keys(entries) as (keyof typeof entries)[]) {
        const { raw } = this.dbs[name];
        for (const { key, bytes } of entries[name].sort(bySortKey)) raw.put(key, bytes);
      }
      for (const { key, bytes } of rows.sort(bySortKey)) this.identifierRows.put(key, bytes);
    });
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}


/** Attempts per transaction: the larger, the fewer times a page is copied, at the cost of memory. */
const CHUNK_ATTEMPTS = 100_000;

/**
 * Fills an LMDB data directory with the assess benchmark's prior history (the attempts
 * bench/assess-fill.ts's worker builds: the same population, hashed under the store's key) through
 * BulkWriter. Returns the identifier hash key, which the collector then finds in the store.
 */
export async function bulkLoadPriorHistory(storeConfig: StoreConfig, plan: FillPlan, log: (line: string) => void): Promise<FillResult & { hashKey: Buffer }> {
  if (storeConfig.kind !== "lmdb") throw new Error("the bulk loader fills an LMDB store; a Redis loader is still to come");
  const store = openStore(storeConfig);
  let hashKey: Buffer;
  try {
    hashKey = await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32));
  } finally {
    await store.close();
  }
  const started = performance.now();
  const waited = { ms: 0 };
  if (plan.count === 0) return { seconds: 0, rate: 0, starvedSeconds: 0, hashKey };
  const writer = new BulkWriter(storeConfig.path);
  try {
    let chunk: AttemptRecord[] = [];
    let written = 0;
    let writeMs = 0;
    const writeChunk = () => {
      const writeFrom = performance.now();
      writer.write(chunk);
      writeMs += performance.now() - writeFrom;
      written += chunk.length;
      chunk = [];
      const seconds = (performance.now() - started) / 1000;
      log(`bulk load: ${written.toLocaleString("en")} attempts written (${Math.round(written / seconds).toLocaleString("en")}/s; writing ${Math.round(writeMs / 1000)} s, waiting for the builder ${Math.round(waited.ms / 1000)} s)`);
    };
    // Enough requests ahead that the builder works on the next chunk while this one is written.
    for await (const attempts of builtBatches(plan, hashKey, CHUNK_ATTEMPTS / 2000 + 3, waited)) {
      for (const built of attempts) chunk.push(priorRecord(built, plan.siteKey));
      if (chunk.length >= CHUNK_ATTEMPTS) writeChunk();
    }
    if (chunk.length > 0) writeChunk();
  } finally {
    await writer.close();
  }
  // The load writes without fsync; the kernel would write its gigabytes back while the collector is
  // measured, and each of the collector's own fsyncs would queue behind them. Flushed here, as part of the fill.
  const file = openSync(join(storeConfig.path, "data.mdb"), "r+");
  try {
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds: Math.round(seconds * 10) / 10, rate: Math.round(plan.count / seconds), starvedSeconds: Math.round(waited.ms / 100) / 10, hashKey };
}
