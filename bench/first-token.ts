import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { parseConfig } from "../collector/config.js";
import { startCollector } from "../collector/main.js";
import { machine, type Machine } from "./machine.js";

/** Main-thread long tasks (PerformanceObserver `longtask`, over 50 ms) in one load, until the script was done. */
export interface LongTasks {
  count: number;
  totalMs: number;
  /** Sum of each long task's time over 50 ms: what Lighthouse calls total blocking time. */
  blockingMs: number;
}

export interface FirstTokenResult {
  machine: Machine;
  /** Gzip -9 of /v1/vakt.js and of FingerprintJS bundled alone with the same settings (dist/reference/fingerprintjs.js). */
  scriptBytes: { min: number; gzip: number };
  fingerprintjsBytes: { min: number; gzip: number };
  loads: number;
  /** Milliseconds from navigation start to the first token in the page's form, per load. */
  firstTokenMs: number[];
  /** The same, from the moment the script had loaded (its resource timing's responseEnd). */
  firstTokenFromScriptMs: number[];
  /** Milliseconds FingerprintJS took to a visitor id inside our script, as the script reported it. */
  fingerprintMs: number[];
  /** FingerprintJS alone on the same page: milliseconds from its script's load to the visitor id, per load. */
  fingerprintjsAloneMs: number[];
  medianFirstTokenMs: number;
  medianFirstTokenFromScriptMs: number;
  medianFingerprintMs: number;
  medianFingerprintjsAloneMs: number;
  longTasks: { vakt: LongTasks[]; fingerprintjsAlone: LongTasks[]; medianVakt: LongTasks; medianFingerprintjsAlone: LongTasks };
  /** The targets: gzip ≤ FingerprintJS alone + 6 KB; first token (from script load) under a quarter of FingerprintJS alone's time. */
  targets: { sizeIsMet: boolean; firstTokenIsMet: boolean };
}

export const median = (values: number[]) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const medianLongTasks = (runs: LongTasks[]): LongTasks => ({
  count: median(runs.map((r) => r.count)),
  totalMs: median(runs.map((r) => r.totalMs)),
  blockingMs: median(runs.map((r) => r.blockingMs)),
});

type Probe = { firstTokenAt?: number; visitorAt?: number; longTasks: number[] };

/** Runs in the page before its scripts: the token's and the visitor id's moments on the page's clock, and every long task. */
function installProbe(): void {
  const w = window as unknown as Probe;
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
  const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!;
  Object.defineProperty(HTMLInputElement.prototype, "value", {
    ...descriptor,
    set(this: HTMLInputElement, value: string) {
      if (this.name === "vakt_token" && value && w.firstTokenAt === undefined) w.firstTokenAt = performance.now();
      descriptor.set!.call(this, value);
    },
  });
  new MutationObserver(() => {
    if (w.visitorAt === undefined && document.documentElement.dataset.visitorId) w.visitorAt = performance.now();
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-visitor-id"] });
}

async function readLongTasks(tab: Page): Promise<LongTasks> {
  // Long tasks are reported after they end; give the last one time to arrive.
  await tab.waitForTimeout(300);
  const durations = await tab.evaluate(() => (window as unknown as Probe).longTasks);
  const round = (ms: number) => Math.round(ms);
  return { count: durations.length, totalMs: round(durations.reduce((s, d) => s + d, 0)), blockingMs: round(durations.reduce((s, d) => s + Math.max(0, d - 50), 0)) };
}

/** When the script named `file` finished loading, on the page's clock. */
const scriptLoadedAt = (tab: Page, file: string) =>
  tab.evaluate((name) => (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((e) => e.name.endsWith(name))?.responseEnd ?? 0, file);

/**
 * Loads a checkout page `loads` times with our script and `loads` times with FingerprintJS alone,
 * alternating, each in a fresh headless Chromium context: first token vs visitor id, and long tasks.
 */
export async function benchFirstToken(loads = 10): Promise<FirstTokenResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "vakt-bench-"));
  const reference = readFileSync(new URL("../reference/fingerprintjs.js", import.meta.url));
  const page = createServer((req, res) => {
    if (req.url === "/fingerprintjs.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(reference);
    const script = req.url === "/fp" ? `<script src="/fingerprintjs.js" async></script>` : `<script src="${collectorUrl}/v1/vakt.js" data-site-key="pk_bench" async></script>`;
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><form data-vakt method="post"><input name="email"></form>\n${script}`);
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  const pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
  const config = await parseConfig({
    listen: { host: "127.0.0.1", port: 0 },
    store: { kind: "lmdb", path: dataDir },
    sites: [{ siteKey: "pk_bench", secretKey: "sk_bench_secret", origins: [pageUrl] }],
  });
  const collector = await startCollector(config, { log: () => {} });
  var collectorUrl = collector.url;
  const browser = await chromium.launch({
    executablePath: process.env.VAKT_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const at = machine();
    const firstTokenMs: number[] = [];
    const firstTokenFromScriptMs: number[] = [];
    const fingerprintMs: number[] = [];
    const fingerprintjsAloneMs: number[] = [];
    const longTasks = { vakt: [] as LongTasks[], fingerprintjsAlone: [] as LongTasks[] };
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.addInitScript(installProbe);
      await tab.goto(pageUrl);
      await tab.waitForFunction(() => (window as unknown as Probe).firstTokenAt !== undefined);
      const tokenAt = await tab.evaluate(() => (window as unknown as Probe).firstTokenAt!);
      firstTokenMs.push(Math.round(tokenAt));
      firstTokenFromScriptMs.push(Math.round(tokenAt - (await scriptLoadedAt(tab, "/v1/vakt.js"))));
      const sid = await tab.evaluate(async () => {
        const token = await (window as unknown as { vakt: { token(): Promise<string> } }).vakt.token();
        return JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sub as string;
      });
      // The script is done once its fingerprint has reached the collector.
      for (let tries = 0; tries < 250; tries++) {
        const session = await collector.store.getSession(sid);
        if (session?.signals.fingerprintMs !== undefined) {
          fingerprintMs.push(Math.round(session.signals.fingerprintMs));
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      longTasks.vakt.push(await readLongTasks(tab));
      await context.close();

      const alone = await browser.newContext();
      const fpTab = await alone.newPage();
      await fpTab.addInitScript(installProbe);
      await fpTab.goto(`${pageUrl}/fp`);
      await fpTab.waitForFunction(() => (window as unknown as Probe).visitorAt !== undefined);
      const visitorAt = await fpTab.evaluate(() => (window as unknown as Probe).visitorAt!);
      fingerprintjsAloneMs.push(Math.round(visitorAt - (await scriptLoadedAt(fpTab, "/fingerprintjs.js"))));
      longTasks.fingerprintjsAlone.push(await readLongTasks(fpTab));
      await alone.close();
    }
    const script = readFileSync(new URL("../public/vakt.js", import.meta.url));
    const scriptBytes = { min: script.length, gzip: gzipSync(script, { level: 9 }).length };
    const fingerprintjsBytes = { min: reference.length, gzip: gzipSync(reference, { level: 9 }).length };
    const medianFirstTokenFromScriptMs = median(firstTokenFromScriptMs);
    const medianFingerprintjsAloneMs = median(fingerprintjsAloneMs);
    return {
      machine: at,
      scriptBytes,
      fingerprintjsBytes,
      loads,
      firstTokenMs,
      firstTokenFromScriptMs,
      fingerprintMs,
      fingerprintjsAloneMs,
      medianFirstTokenMs: median(firstTokenMs),
      medianFirstTokenFromScriptMs,
      medianFingerprintMs: median(fingerprintMs),
      medianFingerprintjsAloneMs,
      longTasks: { ...longTasks, medianVakt: medianLongTasks(longTasks.vakt), medianFingerprintjsAlone: medianLongTasks(longTasks.fingerprintjsAlone) },
      targets: { sizeIsMet: scriptBytes.gzip <= fingerprintjsBytes.gzip + 6 * 1024, firstTokenIsMet: medianFirstTokenFromScriptMs < medianFingerprintjsAloneMs / 4 },
    };
  } finally {
    await browser.close();
    await collector.close();
    await new Promise((resolve) => page.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
