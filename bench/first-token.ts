import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { parseConfig } from "../collector/config.js";
import { startCollector } from "../collector/main.js";

export interface FirstTokenResult {
  scriptBytes: { min: number; gzip: number };
  loads: number;
  /** Milliseconds from navigation start to the first token in the page's form, per load. */
  firstTokenMs: number[];
  /** Milliseconds FingerprintJS took to a visitor id in the same loads (as the script reported it). */
  fingerprintMs: number[];
  medianFirstTokenMs: number;
  medianFingerprintMs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Loads a checkout page `loads` times in fresh headless Chromium contexts and times the first token. */
export async function benchFirstToken(loads = 5): Promise<FirstTokenResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "vakt-bench-"));
  const page = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><form data-vakt method="post"><input name="email"></form>
<script src="${collectorUrl}/v1/vakt.js" data-site-key="pk_bench" async></script>`);
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
    const firstTokenMs: number[] = [];
    const fingerprintMs: number[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      // Records the moment the script first puts a token into the form, on the page's own clock.
      await tab.addInitScript(() => {
        const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!;
        Object.defineProperty(HTMLInputElement.prototype, "value", {
          ...descriptor,
          set(this: HTMLInputElement, value: string) {
            const w = window as unknown as { firstTokenAt?: number };
            if (this.name === "vakt_token" && value && w.firstTokenAt === undefined) w.firstTokenAt = performance.now();
            descriptor.set!.call(this, value);
          },
        });
      });
      await tab.goto(pageUrl);
      await tab.waitForFunction(() => (window as unknown as { firstTokenAt?: number }).firstTokenAt !== undefined);
      firstTokenMs.push(Math.round(await tab.evaluate(() => (window as unknown as { firstTokenAt: number }).firstTokenAt)));
      const sid = await tab.evaluate(async () => {
        const token = await (window as unknown as { vakt: { token(): Promise<string> } }).vakt.token();
        return JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sub as string;
      });
      for (let tries = 0; tries < 100; tries++) {
        const session = await collector.store.getSession(sid);
        if (session?.signals.fingerprintMs !== undefined) {
          fingerprintMs.push(Math.round(session.signals.fingerprintMs));
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await context.close();
    }
    const script = readFileSync(new URL("../public/vakt.js", import.meta.url));
    return {
      scriptBytes: { min: script.length, gzip: gzipSync(script, { level: 9 }).length },
      loads,
      firstTokenMs,
      fingerprintMs,
      medianFirstTokenMs: median(firstTokenMs),
      medianFingerprintMs: median(fingerprintMs),
    };
  } finally {
    await browser.close();
    await collector.close();
    await new Promise((resolve) => page.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
