import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clickLikeAPerson, launchBotBrowser, launchPersonsBrowser, newContext, PERSONAS, stopDisplay, typeLikeAPerson } from "../helpers/browser.js";
import { startStack, type Stack } from "../helpers/stack.js";

interface Shopper {
  name: string;
  email: string;
  phone: string;
  line1: string;
  postalCode: string;
  city: string;
}

interface Outcome {
  decision: string;
  attempt: string;
  tokenStatus: string;
  rules: string[];
}

let persons: Browser;
let bots: Browser;
let stack: Stack;

beforeAll(async () => {
  [persons, bots] = await Promise.all([launchPersonsBrowser(), launchBotBrowser()]);
});
afterAll(async () => {
  await Promise.all([persons?.close(), bots?.close()]);
  stopDisplay();
});
afterEach(async () => {
  await stack?.close();
});

async function readOutcome(page: Page): Promise<Outcome> {
  const result = page.locator("main#result");
  await result.waitFor({ timeout: 15_000 });
  return {
    decision: (await result.getAttribute("data-decision")) ?? "",
    attempt: (await result.getAttribute("data-attempt")) ?? "",
    tokenStatus: (await result.getAttribute("data-token-status")) ?? "",
    rules: await page.locator("li.reason").evaluateAll((items) => items.map((li) => li.getAttribute("data-rule") ?? "")),
  };
}

/** A person's checkout: reads the page, moves the pointer, types each field, clicks the button. */
async function checkoutAsAPerson(page: Page, shopper: Shopper): Promise<Outcome> {
  await page.goto(`${stack.shop.url}/checkout?sku=HP-ANC`);
  await page.waitForTimeout(400);
  for (const field of ["name", "email", "phone", "line1", "postalCode", "city"] as const) {
    await typeLikeAPerson(page, `#${field}`, shopper[field]);
  }
  await clickLikeAPerson(page, "#place-order");
  return readOutcome(page);
}

async function visitorOf(attempt: string): Promise<string> {
  const stored = await stack.collector.api("GET", `/v1/attempts/${attempt}`);
  return stored.body.device?.id ?? "";
}

const anna: Shopper = { name: "Anna Berg", email: "anna.berg@example.se", phone: "+46701234567", line1: "Storgatan 12", postalCode: "11122", city: "Stockholm" };

describe("checkout in real Chromium", { timeout: 90_000 }, () => {
  it("(a) lets a genuine shopper through with a valid token", async () => {
    stack = await startStack();
    const shopper = await newContext(persons, PERSONAS.stockholm);
    const page = await shopper.newPage();
    expect(await page.evaluate(() => navigator.webdriver)).toBeFalsy();
    const outcome = await checkoutAsAPerson(page, anna);
    expect(outcome).toMatchObject({ decision: "allow", tokenStatus: "valid", rules: [] });
    expect(await visitorOf(outcome.attempt)).toMatch(/^dev_/);
    expect(shopper.pageErrors).toEqual([]);
    await shopper.context.close();
  });

  it("(b) stops one browser placing four orders under four identities to one address", async () => {
    stack = await startStack();
    const shopper = await newContext(persons, PERSONAS.stockholm);
    const page = await shopper.newPage();
    const outcomes: Outcome[] = [];
    for (const [i, name] of ["Karin Lund", "Peter Ek", "Maria Holm", "Jonas Vik"].entries()) {
      const email = `${name.toLowerCase().replace(" ", ".")}@example.com`;
      outcomes.push(await checkoutAsAPerson(page, { ...anna, name, email, phone: `+4670555000${i}`, line1: "Lagergatan 3" }));
    }
    expect(outcomes[0]!.decision).toBe("allow");
    const last = outcomes[3]!;
    expect(["review", "deny"]).toContain(last.decision);
    expect(last.rules).toEqual(expect.arrayContaining(["device_identities", "address_names"]));
    const devices = new Set(await Promise.all(outcomes.map((o) => visitorOf(o.attempt))));
    expect(devices.size).toBe(1);
    expect(shopper.pageErrors).toEqual([]);
    await shopper.context.close();
  });

  it("(c) flags another device reusing the phone number of a confirmed fraud", async () => {
    stack = await startStack();
    const first = await newContext(persons, PERSONAS.stockholm);
    const fraud = await checkoutAsAPerson(await first.newPage(), { ...anna, phone: "+46 70 666 13 13" });
    await first.context.close();
    const labelled = await stack.collector.api("POST", "/v1/labels", { attempt: fraud.attempt, label: "fraud", reason: "chargeback" });
    expect(labelled.status).toBe(200);

    const second = await newContext(persons, PERSONAS.newYork);
    const other: Shopper = { name: "John Smith", email: "john.smith@example.com", phone: "0046706661313", line1: "Main Street 5", postalCode: "10001", city: "New York" };
    const later = await checkoutAsAPerson(await second.newPage(), other);
    expect(later.rules).toContain("graylist");
    expect(later.decision).not.toBe("allow");
    expect(await visitorOf(later.attempt)).not.toBe(await visitorOf(fraud.attempt));
    expect(second.pageErrors).toEqual([]);
    await second.context.close();
  });

  it("(d) does not allow a scripted fill in headless Chromium", async () => {
    stack = await startStack();
    const bot = await newContext(bots, PERSONAS.tokyo);
    const page = await bot.newPage();
    await page.goto(`${stack.shop.url}/checkout?sku=HP-ANC`);
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('input[name="vakt_token"]')?.value ?? "") !== "");
    await page.waitForTimeout(800);
    await page.fill("#name", "Bot McBotface");
    await page.fill("#email", "bot@example.com");
    await page.fill("#phone", "+46700000001");
    await page.fill("#line1", "Botvägen 1");
    await page.fill("#postalCode", "11111");
    await page.fill("#city", "Stockholm");
    await page.click("#place-order");
    const outcome = await readOutcome(page);
    expect(outcome.tokenStatus).toBe("valid");
    expect(outcome.decision).not.toBe("allow");
    expect(outcome.rules).toContain("automation");
    await bot.context.close();
  });

  it("keeps the checkout working when the collector cannot be reached", async () => {
    stack = await startStack({ collectorUrlForShop: "http://127.0.0.1:9" });
    const shopper = await newContext(persons, PERSONAS.stockholm);
    const page = await shopper.newPage();
    await page.goto(`${stack.shop.url}/checkout?sku=HP-ANC`);
    await page.fill("#name", anna.name);
    await page.fill("#email", anna.email);
    await page.fill("#line1", anna.line1);
    await page.fill("#postalCode", anna.postalCode);
    await page.fill("#city", anna.city);
    const started = Date.now();
    await page.click("#place-order");
    await page.locator("main#result").waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await page.locator("main#result").getAttribute("data-order")).toMatch(/^ord_/);
    expect(await page.evaluate(() => typeof (window as unknown as { vakt?: unknown }).vakt)).toBe("undefined");
    expect(shopper.pageErrors).toEqual([]);
    await shopper.context.close();
  });
});

