/**
 * The step-up challenge end to end: the demo shop, the real collector e-mailing codes to a real SMTP
 * server on 127.0.0.1, and a person's Chromium. A first order of two iPhones (17 times a typical first
 * order) is what the default ruleset challenges rather than declines.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDemoShop, type DemoShop } from "../../demo-shop/server.js";
import { clickLikeAPerson, launchPersonsBrowser, newContext, PERSONAS, stopDisplay, typeLikeAPerson } from "../helpers/browser.js";
import { SECRET_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { startPageServer } from "../helpers/page-server.js";
import { startSmtp, type TestSmtp } from "../helpers/smtp.js";
import { freePort } from "../helpers/stack.js";

let browser: Browser;
let smtp: TestSmtp;
let collector: TestCollector;
let shop: DemoShop;
/** A merchant page of its own (not the demo shop), whose origin the site also lists. */
let merchantPort: number;
let closeContext: (() => Promise<void>) | undefined;

beforeAll(async () => {
  [browser, smtp] = await Promise.all([launchPersonsBrowser(), startSmtp()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), smtp?.close()]);
  stopDisplay();
});
beforeEach(async () => {
  const [shopPort, otherPort] = [await freePort(), await freePort()];
  merchantPort = otherPort;
  collector = await startTestCollector({
    origins: [`http://127.0.0.1:${shopPort}`, `http://127.0.0.1:${merchantPort}`],
    // E-mail through SMTP; text messages to the outbox (no SMS gateway here).
    notify: { smtp: { host: "127.0.0.1", port: smtp.port, from: "Kaffe & Kretsar <no-reply@shop.example>" }, outbox: true },
  });
  shop = await startDemoShop({ port: shopPort, collectorUrl: collector.url, siteKey: SITE_KEY, secretKey: SECRET_KEY, log: () => {} });
});
afterEach(async () => {
  await closeContext?.();
  await shop?.close();
  await collector?.destroy();
});

/** A person's checkout of two iPhones; resolves on the result page. */
async function orderTwoPhones(page: Page, email: string): Promise<{ decision: string; attempt: string }> {
  await page.goto(`${shop.url}/checkout?sku=IP15&qty=2`);
  await page.waitForTimeout(400);
  const shopper = { name: "Elsa Lind", email, phone: "+46701234567", line1: "Kungsgatan 4", postalCode: "11143", city: "Stockholm" };
  for (const [field, value] of Object.entries(shopper)) await typeLikeAPerson(page, `#${field}`, value);
  await clickLikeAPerson(page, "#place-order");
  const result = page.locator("main#result");
  await result.waitFor({ timeout: 15_000 });
  return { decision: (await result.getAttribute("data-decision")) ?? "", attempt: (await result.getAttribute("data-attempt")) ?? "" };
}

/** The element focused inside the widget's shadow root, as `tag#id` or `tag[type]`. */
function focusedInWidget(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.querySelector("#vakt-challenge")?.shadowRoot?.activeElement as HTMLInputElement | null | undefined;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : el.type ? `[${el.type}]` : ""}` : "";
  });
}

async function attempt(id: string) {
  return (await collector.api("GET", `/v1/attempts/${id}`)).body;
}

describe("step-up challenge in real Chromium", { timeout: 120_000 }, () => {
  it("routes a challenge-worthy order to the widget; the code from the e-mail confirms the order", async () => {
    const shopper = await newContext(browser, PERSONAS.stockholm);
    closeContext = () => shopper.context.close();
    const page = await shopper.newPage();
    const placed = await orderTwoPhones(page, "elsa.lind@example.se");
    expect(placed.decision).toBe("challenge");

    const email = page.getByRole("radio", { name: "E-mail to e•••@example.se" });
    await email.waitFor({ timeout: 10_000 });
    await expect(page.getByRole("radio", { name: "Text message to +46 •• ••• •• 67" }).count()).resolves.toBe(1);
    const shown = await page.evaluate(() => document.documentElement.outerHTML + document.querySelector("#vakt-challenge")?.shadowRoot?.innerHTML);
    expect(shown).toContain("e•••@example.se");
    expect(shown).not.toContain("elsa.lind@");
    expect(shown).not.toContain("701234567");
    await email.check();
    await page.getByRole("button", { name: "Send code" }).click();
    const code = await smtp.nextCode("elsa.lind@example.se");
    await page.getByText("We sent a code to e•••@example.se").waitFor();
    // Styled under the shop's strict CSP (style-src 'self'), in the shop's accent colour (--vakt-accent).
    expect(await page.getByRole("button", { name: "Verify" }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(31, 95, 191)");
    await page.getByLabel("6-digit code").pressSequentially(code, { delay: 40 });
    await page.getByRole("button", { name: "Verify" }).click();

    await page.locator('main#result[data-decision="allow"]').waitFor({ timeout: 10_000 });
    expect(await page.locator("h1").textContent()).toBe("Order confirmed");
    const stored = await attempt(placed.attempt);
    expect(stored).toMatchObject({ decision: "allow", challenge: { status: "passed", channel: "email" }, review: null });
    expect(shopper.pageErrors).toEqual([]);
  });

  it("locks out after five wrong codes and leaves the attempt in review", async () => {
    const shopper = await newContext(browser, PERSONAS.newYork);
    closeContext = () => shopper.context.close();
    const page = await shopper.newPage();
    const placed = await orderTwoPhones(page, "nils.berg@example.se");
    expect(placed.decision).toBe("challenge");
    await page.getByRole("button", { name: "Send code" }).click();
    const code = await smtp.nextCode("nils.berg@example.se");
    const wrong = code === "111111" ? "222222" : "111111";
    const alert = page.getByRole("alert");
    for (const left of [4, 3, 2]) {
      await page.getByLabel("6-digit code").fill(wrong);
      await page.getByRole("button", { name: "Verify" }).click();
      await expect.poll(() => alert.textContent()).toBe(`That code is not right. ${left} tries left.`);
      expect(await page.getByLabel("6-digit code").getAttribute("aria-invalid")).toBe("true");
    }
    await page.getByLabel("6-digit code").fill(wrong);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => alert.textContent()).toBe("That code is not right. 1 try left.");
    await page.getByLabel("6-digit code").fill(wrong);
    await page.getByRole("button", { name: "Verify" }).click();

    await page.locator('main#result[data-decision="review"]').waitFor({ timeout: 10_000 });
    const stored = await attempt(placed.attempt);
    expect(stored).toMatchObject({ decision: "review", challenge: { status: "failed", reason: "wrong_codes" }, review: { status: "open" } });
    // The right code no longer helps.
    const ticket = (await collector.api("POST", "/v1/challenges", { attempt: placed.attempt })).body.ticket;
    const late = await fetch(`${collector.url}/v1/challenges/${placed.attempt}/verify`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ ticket, code }) });
    expect(late.status).toBe(409);
    expect(shopper.pageErrors).toEqual([]);
  });

  it("works with the keyboard alone, moving focus to each next step", async () => {
    const shopper = await newContext(browser, PERSONAS.stockholm);
    closeContext = () => shopper.context.close();
    const page = await shopper.newPage();
    const placed = await orderTwoPhones(page, "ada.holm@example.se");
    expect(placed.decision).toBe("challenge");
    await page.getByRole("radio", { name: "E-mail to a•••@example.se" }).waitFor();

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < 40 && (await focusedInWidget(page)) !== "input[radio]"; i++) await page.keyboard.press("Tab");
    expect(await focusedInWidget(page)).toBe("input[radio]");
    await page.keyboard.press("ArrowDown");
    expect(await page.getByRole("radio", { name: "Text message to +46 •• ••• •• 67" }).isChecked()).toBe(true);
    await page.keyboard.press("ArrowUp");
    expect(await page.getByRole("radio", { name: "E-mail to a•••@example.se" }).isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await focusedInWidget(page)).toBe("button[submit]");
    await page.keyboard.press("Enter");

    const code = await smtp.nextCode("ada.holm@example.se");
    await expect.poll(() => focusedInWidget(page)).toBe("input#vakt-code");
    await page.keyboard.type(code, { delay: 40 });
    await page.keyboard.press("Enter");
    await page.locator('main#result[data-decision="allow"]').waitFor({ timeout: 10_000 });
    expect((await attempt(placed.attempt)).challenge.status).toBe("passed");
    expect(shopper.pageErrors).toEqual([]);
  });

  it("speaks Swedish on a Swedish page and reports the outcome to vakt.challenge()", async () => {
    const assessed = await collector.api("POST", "/v1/assess", { order: { id: "ord_sv_1", email: "karin@example.se", amount: 29900, currency: "SEK" } });
    expect(assessed.body.decision).toBe("challenge");
    const { ticket } = (await collector.api("POST", "/v1/challenges", { attempt: assessed.body.id })).body;
    const site = await startPageServer({
      port: merchantPort,
      pages: { "/": `<!doctype html><html lang="sv-SE"><title>Kassa</title><div id="verify"></div><script src="${collector.url}/v1/vakt.js" data-site-key="${SITE_KEY}" async></script>` },
    });
    try {
      const shopper = await newContext(browser, PERSONAS.stockholm);
      closeContext = () => shopper.context.close();
      const page = await shopper.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => "vakt" in window);
      await page.evaluate(
        ({ id, ticket }) => {
          const w = window as unknown as { vakt: { challenge(id: string, o: object): Promise<unknown> }; outcome?: unknown; event?: unknown };
          document.addEventListener("vakt:challenge", (event) => (w.event = (event as CustomEvent).detail));
          void w.vakt.challenge(id, { container: "#verify", ticket }).then((result) => (w.outcome = result));
        },
        { id: assessed.body.id as string, ticket: ticket as string },
      );
      await page.getByRole("radio", { name: "E-post till k•••@example.se" }).waitFor();
      await page.getByRole("button", { name: "Skicka kod" }).click();
      const code = await smtp.nextCode("karin@example.se");
      await page.getByLabel("Sexsiffrig kod").fill(code);
      await page.getByRole("button", { name: "Bekräfta" }).click();
      await page.getByRole("status").filter({ hasText: "Tack, nu är du verifierad." }).waitFor();
      const expected = { attempt: assessed.body.id, status: "passed" };
      await expect.poll(() => page.evaluate(() => (window as unknown as { outcome?: unknown }).outcome)).toEqual(expected);
      expect(await page.evaluate(() => (window as unknown as { event?: unknown }).event)).toEqual(expected);
      expect((await attempt(assessed.body.id)).decision).toBe("allow");
      expect(shopper.pageErrors).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
