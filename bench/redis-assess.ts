import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { parseConfig } from "../collector/config.js";
import { startCollector, type RunningCollector } from "../collector/main.js";
import { startRedis, startRedisCluster, type RedisServer } from "../test/helpers/redis.js";
import { StreamClient } from "../test/helpers/stream-client.js";

/**
 * Two collectors on one shared Redis (or a three-master cluster), assess latency and store round trips
 * over real HTTP, alternating collectors. A small bounded run for docs/deploy.md, not part of `npm run bench`:
 *   npx tsx bench/redis-assess.ts [--cluster | --lmdb] [--everysec] [--listpack-value 1024] [--prior 5000] [--requests 2000] [--concurrency 8]
 * `--lmdb` runs one collector on a temporary LMDB directory instead: the baseline on the same machine at the same moment.
 */
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? fallback) || fallback;
const isCluster = args.includes("--cluster");
const isLmdb = args.includes("--lmdb");
const listpackValue = args.includes("--listpack-value") ? flag("listpack-value", 1024) : undefined;
const serverOptions = {
  appendfsync: args.includes("--everysec") ? ("everysec" as const) : ("always" as const),
  ...(listpackValue === undefined ? {} : { extraArgs: ["--zset-max-listpack-value", String(listpackValue)] }),
};
const PRIOR = flag("prior", 5000);
const REQUESTS = flag("requests", 2000);
const CONCURRENCY = flag("concurrency", 8);
const SITE = { siteKey: "pk_bench_redis", secretKey: "sk_bench_redis_secret", origins: ["http://127.0.0.1:1"] };

/** Shoppers drawn from pools, so identifiers repeat and history windows are not empty. */
function order(i: number) {
  const shopper = (i * 7919) % 3000;
  return {
    id: `ord_${i}`,
    amount: 10_000 + (i % 50) * 1000,
    currency: "SEK",
    email: `shopper${shopper}@example.com`,
    phone: `+4670${String(1_000_000 + (shopper % 2500))}`,
    customer: { id: `c_${shopper}`, name: `Shopper ${shopper % 2000}` },
    shipping: { name: `Shopper ${shopper % 2000}`, line1: `Storgatan ${shopper % 1500}`, postalCode: "111 22", city: "Stockholm", country: "SE" },
    payment: { method: "card", cardBin: "457173", cardLast4: String(1000 + (shopper % 1800)) },
  };
}

async function assess(collector: RunningCollector, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${collector.url}/v1/assess`, {
    method: "POST",
    headers: { authorization: `Bearer ${SITE.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ ip: `203.0.113.${Number((body as { order: { id: string } }).order.id.slice(4)) % 200}`, ...(body as object) }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`assess answered ${response.status}`);
  return performance.now() - started;
}

async function run(collectors: RunningCollector[], from: number, count: number, concurrency: number, tokens?: string[]): Promise<number[]> {
  const latencies: number[] = [];
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < from + count) {
        const i = next++;
        const collector = collectors[i % collectors.length]!;
        const token = tokens?.[i - from];
        latencies.push(await assess(collector, { order: order(i), ...(token ? { token } : {}) }));
      }
    }),
  );
  return latencies;
}

/** A token as a page holds it at checkout: the fresh one the collector sends once the fingerprint (visitor id) arrived. */
async function tokenFrom(collector: RunningCollector, visitorId: string): Promise<string> {
  const client = await StreamClient.connect(collector.url, SITE.siteKey, SITE.origins[0]!);
  try {
    await client.next("token");
    client.send({ t: "signals", d: { visitorId } });
    return (await client.next("token", 1)).token;
  } finally {
    client.close();
  }
}

/** Sums a counter of INFO over every node. */
async function info(ports: number[], field: string): Promise<number> {
  let total = 0;
  for (const port of ports) {
    const client = new Redis({ port, host: "127.0.0.1" });
    const text = await client.info();
    total += Number(new RegExp(`${field}:(\\d+)`).exec(text)?.[1] ?? 0);
    client.disconnect();
  }
  return total;
}

async function resetStats(ports: number[]): Promise<void> {
  for (const port of ports) {
    const client = new Redis({ port, host: "127.0.0.1" });
    await client.config("RESETSTAT");
    client.disconnect();
  }
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 100) / 100;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

const servers: RedisServer[] = [];
const lmdbPath = mkdtempSync(join(tmpdir(), "vakt-bench-lmdb-"));
const collectors: RunningCollector[] = [];
try {
  const store = isLmdb
    ? { kind: "lmdb", path: lmdbPath }
    : isCluster
      ? await startRedisCluster(serverOptions).then((c) => (servers.push(...c.nodes), { kind: "redis", cluster: c.urls }))
      : await startRedis(serverOptions).then((s) => (servers.push(s), { kind: "redis", url: s.url }));
  const ports = servers.map((s) => s.port);
  for (let i = 0; i < (isLmdb ? 1 : 2); i++) {
    const config = await parseConfig({ listen: { host: "127.0.0.1", port: 0 }, publicUrl: "http://127.0.0.1:8787", store, sites: [SITE] });
    collectors.push(await startCollector(config, { log: () => {} }));
  }
  const memoryBefore = await info(ports, "used_memory");
  const priorStarted = performance.now();
  await run(collectors, 0, PRIOR, CONCURRENCY);
  const priorSeconds = (performance.now() - priorStarted) / 1000;
  const memoryPerAttempt = Math.round((await info(ports, "used_memory")) - memoryBefore) / PRIOR;

  const SAMPLE = 200;
  const counters = async () => ({ reads: await info(ports, "total_reads_processed"), commands: await info(ports, "total_commands_processed") });
  await resetStats(ports);
  await run(collectors, PRIOR, SAMPLE, 1);
  const plain = await counters();
  // Tokens from sessions opened on the other collector than the one that assesses them.
  const tokens: string[] = [];
  for (let i = 0; i < SAMPLE; i++) tokens.push(await tokenFrom(collectors[(PRIOR + SAMPLE + i + 1) % collectors.length]!, `visitor${((PRIOR + SAMPLE + i) * 7919) % 3000}`));
  await resetStats(ports);
  await run(collectors, PRIOR + SAMPLE, SAMPLE, 1, tokens);
  const tokened = await counters();
  // Each INFO call of `counters` itself is one read and one command per node.
  const perAssess = (c: { reads: number; commands: number }) => ({ reads: Math.round(((c.reads - ports.length) / SAMPLE) * 100) / 100, commands: Math.round(((c.commands - ports.length) / SAMPLE) * 100) / 100 });

  const serial = await run(collectors, PRIOR + 2 * SAMPLE, REQUESTS, 1);
  const startedAt = performance.now();
  const loaded = await run(collectors, PRIOR + 2 * SAMPLE + REQUESTS, REQUESTS, CONCURRENCY);
  const rate = Math.round(REQUESTS / ((performance.now() - startedAt) / 1000));
  console.log(
    JSON.stringify(
      {
        store: isLmdb ? "lmdb, one collector" : isCluster ? "redis cluster of 3 masters, two collectors" : "one redis server, two collectors",
        ...(isLmdb ? {} : { aof: `appendfsync ${serverOptions.appendfsync}`, zsetMaxListpackValue: listpackValue ?? "default (64)" }),
        loadAverageAtStart: loadavg()[0],
        priorAttempts: PRIOR,
        priorAssessPerSecond: Math.round(PRIOR / priorSeconds),
        memoryBytesPerAttempt: Math.round(memoryPerAttempt),
        roundTripsPerAssess: { withoutToken: perAssess(plain), withToken: perAssess(tokened) },
        latencyMsConcurrency1: summary(serial),
        [`latencyMsConcurrency${CONCURRENCY}`]: summary(loaded),
        assessPerSecondConcurrency: rate,
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(collectors.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.destroy()));
  rmSync(lmdbPath, { recursive: true, force: true });
}
