import { existsSync } from "node:fs";
import { benchAssess, type AssessBenchResult } from "./assess.js";
import { benchBacktest } from "./backtest.js";
import { benchFirstToken } from "./first-token.js";

/**
 * `npm run bench` prints the results; `npm run bench -- --json` prints one JSON object.
 * `--attempts N`, `--rate R` and `--seconds S` size the assess benchmark (defaults: 1,000,000 prior
 * attempts, 1,000 assess/s for 15 s); `--closed-seconds S` the max-throughput run (0 skips it);
 * `--data DIR` keeps the filled store in DIR and reuses it on the next run; `--only
 * first-token|backtest|assess` runs one benchmark.
 */
const args = process.argv.slice(2);
const asJson = args.includes("--json");

function flag(name: string): number | undefined {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} takes a positive number`);
    process.exit(2);
  }
  return value;
}

const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
if (only !== undefined && only !== "first-token" && only !== "assess" && only !== "backtest") {
  console.error("--only takes first-token, assess or backtest");
  process.exit(2);
}
const assessOptions = {
  ...(flag("attempts") === undefined ? {} : { attempts: Math.round(flag("attempts")!) }),
  ...(flag("rate") === undefined ? {} : { rate: flag("rate")! }),
  ...(flag("seconds") === undefined ? {} : { seconds: flag("seconds")! }),
  ...(args.includes("--closed-seconds") ? { closedSeconds: Number(args[args.indexOf("--closed-seconds") + 1]) } : {}),
  ...(args.includes("--data") ? { dataDir: args[args.indexOf("--data") + 1]! } : {}),
};

const runs = (name: string) => only === undefined || only === name;
const firstToken = runs("first-token") ? await benchFirstToken(5) : undefined;
const samplePath = new URL("../../../shared/data/ecommerce-fraud-sample.csv", import.meta.url).pathname;
const backtest = runs("backtest")
  ? await benchBacktest({
      ...(existsSync(samplePath) ? { samplePath, mappingPath: new URL("../../docs/examples/ecommerce-fraud-sample.mapping.json", import.meta.url).pathname } : {}),
    })
  : undefined;
const assess = runs("assess") ? await benchAssess(assessOptions) : undefined;

if (asJson) {
  console.log(JSON.stringify({ ...(firstToken ? { firstToken } : {}), ...(backtest ? { backtest } : {}), ...(assess ? { assess } : {}) }));
} else {
  if (firstToken) {
    const { scriptBytes, medianFirstTokenMs, medianFingerprintMs, firstTokenMs, fingerprintMs } = firstToken;
    console.log(`script /v1/vakt.js      ${scriptBytes.min} bytes minified, ${scriptBytes.gzip} bytes gzip -9`);
    console.log(`first token (headless)  median ${medianFirstTokenMs} ms over ${firstTokenMs.length} loads [${firstTokenMs.join(", ")}]`);
    console.log(`FingerprintJS visitor   median ${medianFingerprintMs} ms over the same loads [${fingerprintMs.join(", ")}]`);
  }
  for (const run of backtest ?? []) {
    console.log(`backtest replay         ${run.attemptsPerSecond.toLocaleString("en")} attempts/s, default ruleset, ${run.attempts.toLocaleString("en")} attempts of ${run.input} in ${run.seconds} s`);
  }
  if (assess) printAssess(assess);
}

function printAssess({ machine, target, prior, history, openLoop, closedLoop }: AssessBenchResult): void {
  const n = (value: number) => value.toLocaleString("en");
  const round = (value: number) => (value >= 100 ? Math.round(value) : value >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100);
  const ms = (l: { p50: number; p90: number; p99: number; max: number }) => `p50 ${n(round(l.p50))} · p90 ${n(round(l.p90))} · p99 ${n(round(l.p99))} · max ${n(round(l.max))} ms`;
  const errors = Object.entries(openLoop.errorKinds).map(([kind, count]) => `${count}× ${kind}`).join(", ");
  console.log(`assess machine          ${machine.cores} cores (${machine.cpu}), node ${machine.node}, load average ${machine.loadAverage} as the load started`);
  console.log(`assess prior history    ${n(prior.attempts)} attempts over ${prior.days} days, filled at ${n(prior.fillRate)} attempts/s (${prior.fillSeconds} s), ${(prior.dataBytes / 2 ** 30).toFixed(2)} GiB LMDB`);
  console.log(
    `assess history read     ${history.meanEntries} entries per assess on average (p50 ${history.p50Entries}, p99 ${n(history.p99Entries)}, max ${n(history.maxEntries)}); ` +
      `${Math.round(history.withHistoryShare * 100)}% of orders share an identifier with an earlier attempt, ` +
      `${Math.round(history.withStrongHistoryShare * 100)}% an e-mail, phone, card, customer or address`,
  );
  const byKind = Object.entries(history.meanEntriesByKind).map(([kind, mean]) => `${kind} ${mean}`).join(", ");
  console.log(`  by identifier         ${byKind}; ${(history.scansAtLimitShare * 100).toFixed(2)}% of scans stop at the 1,000-entry limit`);
  console.log(
    `assess ${n(openLoop.targetRate)}/s open loop  ${ms(openLoop.latencyMs)}; ${n(openLoop.achievedRate)}/s achieved, ${n(openLoop.ok)}/${n(openLoop.scheduled)} ok` +
      (openLoop.errors > 0 ? `, errors: ${errors}` : ""),
  );
  console.log(
    `  collector's own       mean ${round(openLoop.server.meanMs)} ms, p50 ≤ ${openLoop.server.p50AtMostMs} ms, p99 ≤ ${openLoop.server.p99AtMostMs} ms (vakt_assess_duration_seconds); ` +
      `event loop delay p99 ${round(openLoop.eventLoopDelayMs.p99)} ms (max ${round(openLoop.eventLoopDelayMs.max)}); ${openLoop.cpuCores} cores busy; ` +
      `CPU per assess ${openLoop.cpuMsPerAssess.mainThread} ms on the event loop, ${openLoop.cpuMsPerAssess.otherThreads} ms on other threads, ` +
      `${openLoop.clientCpuMsPerRequest} ms in the load generator`,
  );
  if (closedLoop) {
    console.log(
      `assess max throughput   ${n(closedLoop.throughput)}/s with ${closedLoop.concurrency} concurrent clients (p50 ${round(closedLoop.latencyMs.p50)} · p99 ${round(closedLoop.latencyMs.p99)} ms)` +
        (closedLoop.errors > 0 ? `, ${closedLoop.errors} errors` : ""),
    );
  }
  const verdict = target.isMet === null ? "not measured (smaller run)" : target.isMet ? "met" : "NOT met";
  console.log(`assess target           p99 < ${target.p99Ms} ms at ${n(target.rate)}/s with ${n(target.attempts)} prior attempts: ${verdict}`);
}
