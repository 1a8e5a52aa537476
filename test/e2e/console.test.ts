import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoShop, type DemoShop } from "../../demo-shop/server.js";
import { clickLikeAPerson, launchBotBrowser, launchPersonsBrowser, newContext, PERSONAS, stopDisplay, typeLikeAPerson } from "../helpers/browser.js";
import { SECRET_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { freePort } from "../helpers/stack.js";

const PASSWORD = "e2e-console-password";
let persons: Browser;
let analysts: Browser;
let collector: TestCollector;
let shop: DemoShop;

beforeAll(async () => {
  [persons, analysts] = await Promise.all([launchPersonsBrowser(), launchBotBrowser()]);
  const shopPort = await freePort();
  collector = await startTestCollector({ origins: [`http://127.0.0.1:${shopPort}`], console: { password: PASSWORD } });
  shop = await startDemoShop({ port: shopPort, collectorUrl: collector.url, siteKey: SITE_KEY, secretKey: SECRET_KEY, log: () => {} });
});
afterAll(async () => {
  await shop?.close();
  await collector?.destroy();
  await Promise.all([persons?.close(), analysts?.close()]);
  stopDisplay();
});

interface Shopper {
  name: string;
  email: string;
  phone: string;
}

/** A person's checkout in the demo shop: types each field, clicks the button; returns the attempt and decision. */
async function checkout(page: Page, shopper: Shopper): Promise<{ attempt: string; decision: string }> {
  await page.goto(`${shop.url}/checkout?sku=HP-ANC`);
  await page.waitForTimeout(400);
  const fields = { ...shopper, line1: "Lagergatan 3", postalCode: "11122", city: "Stockholm" };
  for (const field of ["name", "email", "phone", "line1", "postalCode", "city"] as const) await typeLikeAPerson(page, `#${field}`, fields[field]);
  await clickLikeAPerson(page, "#place-order");
  const result = page.locator("main#result");
  await result.waitFor({ timeout: 15_000 });
  return { attempt: (await result.getAttribute("data-attempt")) ?? "", decision: (await result.getAttribute("data-decision")) ?? "" };
}

async function assess(order: Record<string, unknown>) {
  const answer = await collector.api("POST", "/v1/assess", { order: { amount: 24900, currency: "SEK", ...order } });
  expect(answer.status).toBe(200);
  return answer.body as { id: string; decision: string; reasons: { rule: string; severity: string; detail: string }[] };
}

describe("review console in real Chromium", { timeout: 120_000 }, () => {
  it("lists a review with its matrix and links; approving and rejecting with the keyboard write labels the next assess sees", async () => {
    // One browser, four identities, one address: the default ruleset sends the fourth order to review.
    const shopper = await newContext(persons, PERSONAS.stockholm);
    const shopPage = await shopper.newPage();
    const placed = [];
    for (const [i, name] of ["Karin Lund", "Peter Ek", "Maria Holm", "Jonas Vik"].entries()) {
      placed.push(await checkout(shopPage, { name, email: `${name.toLowerCase().replace(" ", ".")}@example.com`, phone: `+4670555000${i}` }));
    }
    await shopper.context.close();
    const deviceRing = placed[3]!;
    expect(deviceRing.decision).toBe("review");

    // A second review, newer: it shares a phone with a confirmed fraud.
    const fraud = await assess({ id: "ord_e2e_fraud", email: "mule@example.com", phone: "+46701119999" });
    await collector.api("POST", "/v1/labels", { attempt: fraud.id, label: "fraud" });
    const sharedPhone = await assess({ id: "ord_e2e_shared", email: "someone.new@example.com", phone: "+46701119999" });
    expect(sharedPhone.decision).toBe("review");

    const analyst = await analysts.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await analyst.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${collector.url}/console`);
    await page.fill("#password", "not-the-password");
    await page.press("#password", "Enter");
    await expect.poll(() => page.locator("#login-error").textContent()).toContain("Wrong password");
    await page.fill("#password", PASSWORD);
    await page.press("#password", "Enter");

    const queue = page.locator(".items li");
    await expect.poll(() => queue.evaluateAll((items) => items.map((li) => li.getAttribute("data-attempt")))).toEqual([sharedPhone.id, deviceRing.attempt]);
    await expect.poll(() => page.locator(".detail article").getAttribute("data-attempt")).toBe(sharedPhone.id);

    await page.keyboard.press("?");
    await expect.poll(() => page.locator("[role=dialog]").textContent()).toContain("approve the selected attempt");
    await page.keyboard.press("a");
    await page.keyboard.press("Escape");
    expect(await page.locator("[role=dialog]").count()).toBe(0);
    expect(await queue.count()).toBe(2);

    await page.keyboard.press("j");
    const detail = page.locator(`.detail article[data-attempt="${deviceRing.attempt}"]`);
    await detail.waitFor();
    for (const rule of ["device_identities", "address_names"]) {
      expect(await detail.locator(`table.matrix tr[data-rule="${rule}"] .badge`).first().textContent()).toBe("high");
    }
    const links = detail.locator("table.links tr[data-link]");
    expect(await links.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-link")))).toEqual([placed[2]!.attempt, placed[1]!.attempt, placed[0]!.attempt]);
    expect(await links.first().locator(".via").textContent()).toContain("device");

    await page.keyboard.press("n");
    await page.keyboard.type("called the customer: a family ordering for each other");
    await page.keyboard.press("Escape");
    await page.keyboard.press("a");
    await expect.poll(() => page.locator(".detail .status").textContent()).toContain("Approved");
    await expect.poll(() => queue.evaluateAll((items) => items.map((li) => li.getAttribute("data-attempt")))).toEqual([sharedPhone.id]);

    await detail.waitFor({ state: "detached" });
    await page.locator(`.detail article[data-attempt="${sharedPhone.id}"]`).waitFor();
    await page.keyboard.press("r");
    await expect.poll(() => page.locator(".detail .status").textContent()).toContain("Rejected");
    await expect.poll(() => page.locator(".empty").textContent()).toContain("Nothing to review");
    expect(pageErrors).toEqual([]);
    await analyst.close();

    const approved = (await collector.api("GET", `/v1/attempts/${deviceRing.attempt}`)).body;
    expect(approved.label).toMatchObject({ label: "legit", reason: "called the customer: a family ordering for each other" });
    expect(approved.review.status).toBe("approved");
    const rejected = (await collector.api("GET", `/v1/attempts/${sharedPhone.id}`)).body;
    expect(rejected.label.label).toBe("fraud");

    // The next assess sees both labels: the rejected attempt's e-mail is on the graylist...
    const reusesRejected = await assess({ id: "ord_e2e_after_reject", email: "someone.new@example.com" });
    expect(reusesRejected.reasons.find((r) => r.rule === "graylist")).toMatchObject({ severity: "high" });
    // ...and the approved customer is trusted: a graylist match on their order counts one level lower.
    const trusted = await assess({ id: "ord_e2e_after_approve", email: "jonas.vik@example.com", phone: "+46701119999" });
    const graylist = trusted.reasons.find((r) => r.rule === "graylist")!;
    expect(graylist.severity).toBe("medium");
    expect(graylist.detail).toContain("lowered");
  });
});
