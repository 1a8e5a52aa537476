/**
 * Makes docs/images/console-*.png: a collector with two weeks of generated checkout traffic (and a
 * shadow ruleset), the console in headless Chromium. Run by hand when the console changes:
 * `npm run build && npx tsx test/e2e/console-screenshots.ts`. Not part of `npm test`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Assessor } from "../../collector/assess/assessor.js";
import { generateAttempts } from "../../collector/backtest/generate.js";
import { parseConfig } from "../../collector/config.js";
import { IdentifierHasher } from "../../collector/identity/hash.js";
import { Labeler } from "../../collector/labels.js";
import { startCollector } from "../../collector/main.js";
import { TokenService } from "../../collector/token.js";
import { launchBotBrowser } from "../helpers/browser.js";

const DAY_MS = 86_400_000;
const PASSWORD = "screenshot-password";
const SITE = "pk_live_nordshop";
const IMAGES = new URL("../../docs/images/", import.meta.url);

const fewerFreezes = JSON.parse(readFileSync(new URL("../../docs/examples/fewer-freezes.json", import.meta.url), "utf8"));
const dataDir = mkdtempSync(join(tmpdir(), "vakt-console-shots-"));
const config = await parseConfig({
  listen: { host: "127.0.0.1", port: 0 },
  store: { kind: "lmdb", path: dataDir },
  console: { password: PASSWORD },
  sites: [{ siteKey: SITE, secretKey: "sk_live_nordshop_secret", origins: ["https://shop.example"], rules: "default", shadow: ["fewer-freezes", "strict"] }],
  rulesets: {
    "fewer-freezes": fewerFreezes,
    strict: { ...fewerFreezes, description: "a challenger that freezes sooner", policy: { deny: { high: 2 }, review: { high: 1, medium: 2 }, challenge: { medium: 1, low: 2 } } },
  },
});
const collector = await startCollector(config, { log: () => {} });
try {
  const store = collector.store;
  const hasher = new IdentifierHasher(await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32)));
  const tokens = await TokenService.open(store, { issuer: config.publicUrl, ttlSeconds: 600 });
  const assessor = new Assessor({ store, tokens, hasher, retentionMs: 90 * DAY_MS, enforceBudgets: false });
  const labeler = new Labeler(store);
  const site = collector.rules.get(SITE)!;
  const nowMs = Date.now();
  const pending: { dueMs: number; id: string; label: "fraud" | "legit" }[] = [];
  for (const { attempt } of generateAttempts({ seed: 7, orders: 2400, startMs: nowMs - 14 * DAY_MS + 3_600_000, days: 14 - 2 / 24 })) {
    const tsMs = Date.parse(attempt.ts);
    while (pending.length > 0 && pending[0]!.dueMs <= tsMs) {
      const due = pending.shift()!;
      await labeler.label(SITE, { attempt: due.id }, due.label);
    }
    const answer = await assessor.assessAttempt(site, {
      order: attempt.order,
      tokenStatus: "valid",
      nowMs: tsMs,
      ip: attempt.ip,
      ...(attempt.device ? { deviceId: attempt.device.id } : {}),
      ...(attempt.signals ? { signals: attempt.signals } : {}),
    });
    // Fraud is confirmed days later (a chargeback); most reviews of the last two days are still open.
    if (attempt.label === "fraud" && tsMs < nowMs - 3 * DAY_MS) pending.push({ dueMs: tsMs + 3 * DAY_MS, id: answer.id, label: "fraud" });
    if (answer.decision === "review" && tsMs < nowMs - 2 * DAY_MS) pending.push({ dueMs: tsMs + DAY_MS, id: answer.id, label: attempt.label ?? "legit" });
    pending.sort((a, b) => a.dueMs - b.dueMs);
  }

  const browser = await launchBotBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${collector.url}/console`);
    await page.fill("#password", PASSWORD);
    await page.press("#password", "Enter");
    await page.locator(".items li").first().waitFor();
    await page.keyboard.press("j");
    await page.locator(".attempt .matrix").waitFor();
    await page.screenshot({ path: new URL("console-queue.png", IMAGES).pathname });
    await page.keyboard.press("?");
    await page.screenshot({ path: new URL("console-shortcuts.png", IMAGES).pathname });
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");
    await page.locator(".page-attempt .matrix").waitFor();
    await page.screenshot({ path: new URL("console-attempt.png", IMAGES).pathname, fullPage: true });
    await page.goto(`${collector.url}/console#/overview`);
    await page.locator(".overview svg.chart").first().waitFor();
    await page.screenshot({ path: new URL("console-overview.png", IMAGES).pathname, fullPage: true });
    console.log(`wrote console-queue.png, console-shortcuts.png, console-attempt.png, console-overview.png to ${IMAGES.pathname}`);
  } finally {
    await browser.close();
  }
} finally {
  await collector.close();
  rmSync(dataDir, { recursive: true, force: true });
}
