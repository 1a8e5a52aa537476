import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Assessor } from "../collector/assess/assessor.js";
import { parseConfig } from "../collector/config.js";
import { ContactVault } from "../collector/contact-vault.js";
import { SecretKeys } from "../collector/http/auth.js";
import { apiRateLimit } from "../collector/http/rate-limit.js";
import * as routes from "../collector/http/routes.js";
import type { RequestInfo } from "../collector/http/uws-http.js";
import { IdentifierHasher } from "../collector/identity/hash.js";
import { Labeler } from "../collector/labels.js";
import { LiveRules } from "../collector/live-rules.js";
import { Metrics } from "../collector/metrics.js";
import { openStore } from "../collector/store/open.js";
import { TokenService } from "../collector/token.js";
import { syntheticAttempt } from "./assess-data.js";

/**
 * CPU per assess without HTTP or a load generator: the collector's POST /v1/assess handler (rate
 * limit, key check, body parse, assess, answer) called in process on a copy of a data directory that
 * `npm run bench -- --only assess --data DIR` filled, with the benchmark's own orders. It reports the
 * main thread's CPU per assess (from /proc/thread-self/stat) and the other threads'. Each run adds
 * its assesses to the directory: run it on a fresh copy each time to compare builds.
 *
 *   node dist/bench/assess-cpu.js DIR [assesses=4000] [warm-up=1000] [in flight=16]
 */
const SITE_KEY = "pk_bench";
const SECRET_KEY = "sk_bench_secret_key";
const RETURNING_SHARE = 0.65;
const SEEDS = { warmup: 0x2b, measured: 0x3c };
/** Linux's USER_HZ: /proc reports thread CPU in these ticks. */
const CLOCK_TICKS = 100;

async function main(): Promise<void> {
  const [dataDir, ...rest] = process.argv.slice(2);
  if (dataDir === undefined) throw new Error("usage: node dist/bench/assess-cpu.js DIR [assesses] [warm-up] [in flight]");
  if (!existsSync(join(dataDir, "data.mdb"))) throw new Error(`${dataDir} holds no LMDB store: fill one with npm run bench -- --only assess --data DIR`);
  const [count = 4000, warmup = 1000, inFlight = 16] = rest.map(Number);
  const config = await parseConfig({
    listen: { host: "127.0.0.1", port: 0 },
    store: { kind: "lmdb", path: dataDir },
    sites: [{ siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: ["http://127.0.0.1:1"] }],
  });
  const retentionMs = config.retentionDays * 86_400_000;
  const store = openStore(config.store, { retentionMs, log: () => {} });
  try {
    const hasher = new IdentifierHasher(await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32)));
    const tokens = await TokenService.open(store, { issuer: config.publicUrl, ttlSeconds: config.token.ttlSeconds });
    const metrics = new Metrics();
    const contacts = await ContactVault.open(store);
    const deps: routes.RouteDeps = {
      store,
      tokens,
      assessor: new Assessor({ store, tokens, hasher, retentionMs, metrics, contacts }),
      labeler: new Labeler(store),
      secrets: new SecretKeys(config.sites),
      rules: new LiveRules(config, undefined, () => {}),
      metrics,
      trustedProxies: new Set(),
      consolePassword: undefined,
    };
    const handler = apiRateLimit(config.rateLimits, deps)(routes.assess(deps));

    const run = async (n: number, seed: number) => {
      const bodies = Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify(syntheticAttempt(i, seed, RETURNING_SHARE).request)));
      let next = 0;
      const worker = async () => {
        while (next < n) {
          const body = bodies[next++]!;
          const info: RequestInfo = {
            method: "post",
            path: "/v1/assess",
            query: new URLSearchParams(),
            params: [],
            headers: new Map([["authorization", `Bearer ${SECRET_KEY}`], ["content-type", "application/json"], ["content-length", String(body.length)]]),
            remoteIp: "127.0.0.1",
          };
          const reply = await handler(info, () => Promise.resolve(body));
          if (reply.status !== 200) throw new Error(`assess answered ${reply.status}: ${String(reply.body)}`);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
    };

    await run(warmup, SEEDS.warmup);
    const mainBefore = cpuMs("/proc/thread-self/stat");
    const allBefore = cpuMs("/proc/self/stat");
    const startedAt = performance.now();
    await run(count, SEEDS.measured);
    const seconds = (performance.now() - startedAt) / 1000;
    const mainMs = cpuMs("/proc/thread-self/stat") - mainBefore;
    const otherMs = cpuMs("/proc/self/stat") - allBefore - mainMs;
    console.log(
      `${count} assesses in ${seconds.toFixed(1)} s, ${inFlight} in flight: CPU per assess ${(mainMs / count).toFixed(3)} ms on the event loop, ${(otherMs / count).toFixed(3)} ms on other threads`,
    );
  } finally {
    await store.close();
  }
}

/** utime + stime of a thread or process, in milliseconds. */
function cpuMs(statPath: string): number {
  const fields = readFileSync(statPath, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
