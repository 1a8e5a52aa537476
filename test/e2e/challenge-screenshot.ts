/**
 * Takes docs/images/challenge-widget.png: the step-up widget on the demo shop's result page, as a
 * shopper sees it. Not a test; run it after changing the widget's look:
 *   npm run build && npx tsx test/e2e/challenge-screenshot.ts
 */
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemoShop } from "../../demo-shop/server.js";
import { SECRET_KEY, SITE_KEY, startTestCollector } from "../helpers/collector.js";
import { freePort } from "../helpers/stack.js";

const OUT = fileURLToPath(new URL("../../docs/images/challenge-widget.png", import.meta.url));

const shopPort = await freePort();
const collector = await startTestCollector({ origins: [`http://127.0.0.1:${shopPort}`], notify: { outbox: true } });
const shop = await startDemoShop({ port: shopPort, collectorUrl: collector.url, siteKey: SITE_KEY, secretKey: SECRET_KEY });
const browser = await chromium.launch({ executablePath: process.env.VAKT_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await page.goto(`${shop.url}/`);
  // An order posted without the script's token: the default ruleset challenges it.
  await page.evaluate(() => {
    const form = Object.assign(document.createElement("form"), { method: "post", action: "/order" });
    const fields = { sku: "GRIND-01", quantity: "1", name: "Anna Berg", email: "anna.berg@example.se", phone: "+46701234567", line1: "Storgatan 12", postalCode: "11122", city: "Stockholm", country: "SE" };
    for (const [name, value] of Object.entries(fields)) form.append(Object.assign(document.createElement("input"), { type: "hidden", name, value }));
    document.body.append(form);
    form.submit();
  });
  await page.getByRole("radio", { name: /^E-mail to/ }).waitFor({ timeout: 15_000 });
  await page.locator("#vakt-challenge .box").screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await shop.close();
  await collector.destroy();
}
