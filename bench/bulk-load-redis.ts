import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createConnection, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import type { StoreConfig } from "../collector/config.js";
import type { IdentifierKind } from "../collector/identity/normalise.js";
import { keys } from "../collector/store/keys.js";
import { openStore } from "../collector/store/open.js";
import { historyMember, pack, tokenUseValue } from "../collector/store/redis/records.js";
import type { AttemptRecord } from "../collector/store/types.js";
import { builtBatches, priorRecord, type FillPlan, type FillResult } from "./assess-fill.js";

/** A key written and deleted once the load is done, to have the server fsync its AOF. */
const FLUSH_KEY = "vakt-bench:flush";

/**
 * A bulk loader for the benchmarks' prior history in Redis: it writes exactly the keys, values, scores
 * and expiry times RedisStore.recordAttempt writes (keys from store/keys.ts, records packed by
 * store/redis/records.ts), but a few thousand attempts per pipeline instead of one MULTI each, and
 * what recordAttempt adds one attempt at a time to a shared sorted set (the time and open-review
 * indexes, an identifier's history) as one ZADD per key per pipeline. Checked against recordAttempt in
 * test/integration/bulk-load.test.ts. One server only (not a cluster), and only for attempts never
 * recorded before: recordAttempt's ZREM of a not-open attempt from the open-review indexes, which
 * removes nothing for a new id, is left out.
 */

/** As redis-store.ts: records expire `retentionMs` plus a day after their time (the test pins it). */
const RETENTION_GRACE_MS = 86_400_000;
const DEFAULT_RETENTION_MS = 90 * 86_400_000;
/** Score-member pairs per ZADD: long commands are fine, unbounded ones are not. */
const ZADD_PAIRS = 1000;
const idx = keys.redis.index;

type Arg = string | number | Buffer;

/**
 * Writes the attempts as RedisStore.recordAttempt would, each batch as one pipeline on its own
 * connection. The commands go out as RESP encoded here, in one buffer per batch: ioredis builds an
 * object and a promise per command, which cost several times Redis's own work for the ~16 commands
 * an attempt takes. Every reply to these commands is one line (`+OK`, `:n`, `$-1` for a token use
 * already there), so reading the replies is counting lines and looking for an error (`-…`).
 */
export class RedisBulkWriter {
  private readonly waiting: { replies: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  /** The first byte of the reply line being read (undefined between lines), and the rest of it unless it is `+…` or `:…`. */
  private lineType: number | undefined;
  private line = "";
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly retentionMs: number,
  ) {
    socket.on("data", (data: Buffer) => this.onData(data));
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new Error("redis closed the bulk loader's connection")));
  }

  /** A connection to one server, `redis://HOST:PORT` without a password or database number. */
  static async connect(url: string, retentionMs = DEFAULT_RETENTION_MS): Promise<RedisBulkWriter> {
    const { hostname, port, username, password, pathname } = new URL(url);
    if (username || password || (pathname !== "" && pathname !== "/" && pathname !== "/0")) throw new Error("the bulk loader connects to redis://HOST:PORT only");
    const socket = createConnection({ host: hostname, port: Number(port || 6379), noDelay: true });
    await once(socket, "connect");
    return new RedisBulkWriter(socket, retentionMs);
  }

  private expiresAt(tsMs: number): number {
    return Math.round(tsMs + this.retentionMs + RETENTION_GRACE_MS);
  }

  /** Writes the attempts in one pipeline (no MULTI) and resolves once the server acknowledged every command. */
  write(records: readonly AttemptRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    const commands: Arg[][] = [];
    const sorted = new Map<string, Arg[]>();
    const add = (key: string, score: number, member: string) => {
      const pairs = sorted.get(key);
      if (pairs) pairs.push(score, member);
      else sorted.set(key, [score, member]);
    };
    /** An identifier's history key and the expiry of its last attempt here: recordAttempt's PEXPIREAT of the last one wins. */
    const historyExpiry = new Map<string, number>();
    const sites = new Set<string>();
    for (const attempt of records) {
      const expiresAt = this.expiresAt(attempt.tsMs);
      commands.push(["SET", keys.redis.attempt(attempt.id), pack(attempt), "PXAT", expiresAt]);
      add(idx("attempts"), attempt.tsMs, attempt.id);
      add(idx("attempts", attempt.siteKey), attempt.tsMs, attempt.id);
      sites.add(attempt.siteKey);
      if (attempt.review?.status === "open") {
        add(idx("reviews"), 0, attempt.id);
        add(idx("reviews", attempt.siteKey), 0, attempt.id);
      }
      commands.push(["SET", keys.redis.order(attempt.siteKey, attempt.orderId), attempt.id, "PXAT", expiresAt]);
      if (attempt.tokenJti !== undefined) commands.push(["SET", keys.redis.tokenUse(attempt.tokenJti), tokenUseValue(attempt), "PXAT", expiresAt, "NX"]);
      const member = historyMember(attempt);
      for (const [kind, hash] of Object.entries(attempt.ids) as [IdentifierKind, string][]) {
        const key = keys.redis.history(kind, hash);
        add(key, attempt.tsMs, member);
        historyExpiry.set(key, expiresAt);
      }
    }
    commands.push(["SADD", idx("sites"), ...sites]);
    for (const [key, pairs] of sorted) {
      for (let at = 0; at < pairs.length; at += 2 * ZADD_PAIRS) commands.push(["ZADD", key, ...pairs.slice(at, at + 2 * ZADD_PAIRS)]);
    }
    for (const [key, expiresAt] of historyExpiry) commands.push(["PEXPIREAT", key, expiresAt]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ replies: commands.length, resolve, reject });
      this.socket.write(encode(commands));
    });
  }

  private onData(data: Buffer): void {
    for (let i = 0; i < data.length; i++) {
      const byte = data[i]!;
      if (this.lineType === undefined) {
        this.lineType = byte;
        this.line = "";
      } else if (byte === 0x0a /* \n */) {
        const [type, line] = [this.lineType, this.line.trim()];
        this.lineType = undefined;
        if (type === 0x2d /* - */) return this.fail(new Error(`redis refused a bulk-load command: ${line}`));
        if (type !== 0x2b /* + */ && type !== 0x3a /* : */ && !(type === 0x24 /* $ */ && line === "-1")) {
          return this.fail(new Error(`the bulk loader got a reply it does not read: ${String.fromCharCode(type)}${line}`));
        }
        const current = this.waiting[0];
        if (!current) return this.fail(new Error("redis sent a reply nobody waited for"));
        if (--current.replies === 0) {
          this.waiting.shift();
          current.resolve();
        }
      } else if (this.lineType !== 0x2b && this.lineType !== 0x3a) {
        this.line += String.fromCharCode(byte);
      }
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const waiting of this.waiting.splice(0)) waiting.reject(err);
    this.socket.destroy();
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.failure = new Error("the bulk loader is closed");
    await new Promise<void>((resolve) => this.socket.end(resolve));
  }
}

/** Commands as RESP arrays of bulk strings, in one buffer. */
function encode(commands: Arg[][]): Buffer {
  const parts: Buffer[] = [];
  let text = "";
  for (const command of commands) {
    text += `*${command.length}\r\n`;
    for (const arg of command) {
      if (Buffer.isBuffer(arg)) {
        parts.push(Buffer.from(`${text}$${arg.length}\r\n`), arg);
        text = "\r\n";
      } else {
        const value = typeof arg === "number" ? String(arg) : arg;
        text += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
      }
    }
  }
  parts.push(Buffer.from(text));
  return Buffer.concat(parts);
}

/** One pipeline per message of the builder (2,000 attempts, bench/assess-fill.ts); this many unacknowledged at once. */
const PIPELINES_IN_FLIGHT = 2;

/**
 * Fills a Redis server with the assess benchmark's prior history (the attempts bench/assess-fill.ts's
 * worker builds: the same population, hashed under the store's own key, which it creates through the
 * store) through RedisBulkWriter. Returns the identifier hash key, which the collector then finds.
 */
export async function bulkLoadPriorHistoryRedis(
  storeConfig: StoreConfig,
  plan: FillPlan,
  log: (line: string) => void,
  options: { retentionMs?: number } = {},
): Promise<FillResult & { hashKey: Buffer }> {
  if (storeConfig.kind !== "redis" || storeConfig.url === undefined) throw new Error("the Redis bulk loader fills one Redis server (store.url), not a cluster");
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const store = openStore(storeConfig, { retentionMs });
  let hashKey: Buffer;
  try {
    hashKey = await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32));
  } finally {
    await store.close();
  }
  if (plan.count === 0) return { seconds: 0, rate: 0, starvedSeconds: 0, hashKey };
  const started = performance.now();
  const writer = await RedisBulkWriter.connect(storeConfig.url, retentionMs);
  const client = new Redis(storeConfig.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  // With `appendfsync always` the server fsyncs its AOF once per event-loop turn, and a turn reads
  // about 16 KB of a pipeline: hundreds of fsyncs per pipeline. The load writes the AOF unsynced
  // (the kernel flushes it) and puts the server's setting back when done.
  const [, appendfsync] = (await client.config("GET", "appendfsync")) as [string, string];
  await client.config("SET", "appendfsync", "no");
  const waited = { ms: 0 };
  const inFlight: Promise<void>[] = [];
  try {
    let written = 0;
    let reported = 0;
    for await (const attempts of builtBatches(plan, hashKey, PIPELINES_IN_FLIGHT + 2, waited)) {
      const writing = writer.write(attempts.map((built) => priorRecord(built, plan.siteKey)));
      writing.catch(() => {}); // awaited below; a failure rejects every write in flight at once
      inFlight.push(writing);
      if (inFlight.length >= PIPELINES_IN_FLIGHT) await inFlight.shift();
      written += attempts.length;
      if (written - reported >= 100_000) {
        reported = written;
        const seconds = (performance.now() - started) / 1000;
        log(`bulk load (redis): ${written.toLocaleString("en")} attempts sent (${Math.round(written / seconds).toLocaleString("en")}/s; waiting for the builder ${Math.round(waited.ms / 1000)} s)`);
      }
    }
    await Promise.all(inFlight.splice(0));
  } finally {
    await Promise.allSettled(inFlight);
    await writer.close();
    await client
      .config("SET", "appendfsync", appendfsync)
      // One write under the restored setting: the server fsyncs the whole AOF before it replies, so the
      // kernel is not still writing the load back while the collector is measured.
      .then(() => client.set(FLUSH_KEY, "1"))
      .then(() => client.del(FLUSH_KEY))
      .finally(() => client.quit().catch(() => client.disconnect()));
  }
  const seconds = (performance.now() - started) / 1000;
  log(`bulk load (redis): ${plan.count.toLocaleString("en")} attempts in ${Math.round(seconds)} s, waiting for the builder ${Math.round(waited.ms / 1000)} s; appendfsync back to ${appendfsync}`);
  return { seconds: Math.round(seconds * 10) / 10, rate: Math.round(plan.count / seconds), starvedSeconds: Math.round(waited.ms / 100) / 10, hashKey };
}
