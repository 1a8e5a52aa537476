// The script's signals in real Chromium: a person (headed, typing, moving the pointer) against scripted fills,
// pasting against autofill, a strict CSP, a blocked WebSocket and a collector that is down.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RULESET_SOURCE } from "../../collector/rules/default-ruleset.js";
import type { EnvironmentSignals, FieldRole, FieldSignals } from "../../sdk/protocol.js";
import { autofillAddress, clickLikeAPerson, launchBotBrowser, launchPersonsBrowser, newContext, pasteLikeAPerson, PERSONAS, stopDisplay, typeLikeAPerson } from "../helpers/browser.js";
import { SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { startPageServer, type PageServer } from "../helpers/page-server.js";
import { freePort, startStack, type Stack } from "../helpers/stack.js";

interface Outcome {
  decision: string;
  tokenStatus: string;
  rules: string[];
}

const anna = { name: "Anna Berg", email: "anna.berg@example.se", phone: "+46701234567", line1: "Storgatan 12", postalCode: "11122", city: "Stockholm" };
const FIELDS = ["name", "email", "phone", "line1", "postalCode", "city"] as const;
/** form_speed's slowest default limit: a submit sooner than this after load is flagged. */
const FORM_SPEED_LIMIT_MS = DEFAULT_RULESET_SOURCE.rules.form_speed.fasterThanMs.medium;

let persons: Browser;
let bots: Browser;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  [persons, bots] = await Promise.all([launchPersonsBrowser(), launchBotBrowser()]);
});
afterAll(async () => {
  await Promise.all([persons?.close(), bots?.close()]);
  stopDisplay();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stack(): Promise<Stack> {
  const started = await startStack();
  cleanups.push(() => started.close());
  return started;
}

async function readOutcome(page: Page): Promise<Outcome> {
  const result = page.locator("main#result");
  await result.waitFor({ timeout: 15_000 });
  return {
    decision: (await result.getAttribute("data-decision")) ?? "",
    tokenStatus: (await result.getAttribute("data-token-status")) ?? "",
    rules: await page.locator("li.reason").evaluateAll((items) => items.map((li) => li.getAttribute("data-rule") ?? "")),
  };
}

/** The session behind the page's token (the token's `sub`). */
async function sessionIdOf(page: Page): Promise<string> {
  const token = await page.evaluate(() => (window as unknown as { vakt: { token(): Promise<string> } }).vakt.token());
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sub as string;
}

/** The session's signals once `isReady` holds for them. */
async function signalsOf(collector: TestCollector, sid: string, isReady: (signals: EnvironmentSignals) => boolean): Promise<EnvironmentSignals> {
  let signals: EnvironmentSignals = {};
  for (let i = 0; i < 400; i++) {
    signals = (await collector.store.getSession(sid))?.signals ?? {};
    if (isReady(signals)) return signals;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  throw new Error(`the session's signals never got ready: ${JSON.stringify(signals)}`);
}
const isSubmitted = (signals: EnvironmentSignals): boolean => (signals.page?.submits ?? 0) > 0 && signals.fields !== undefined;

/** Field signals summed per role (the three address fields become one). */
function byRole(signals: EnvironmentSignals): Partial<Record<FieldRole, FieldSignals>> {
  const roles: Partial<Record<FieldRole, FieldSignals>> = {};
  for (const field of signals.fields ?? []) {
    const sum = roles[field.role];
    if (!sum) roles[field.role] = { ...field };
    else for (const key of Object.keys(field) as (keyof FieldSignals)[]) if (key !== "role") (sum[key] as number) += field[key] as number;
  }
  return roles;
}

/** Reasons of an attempt, by rule. */
async function reasonsOf(collector: TestCollector, page: Page): Promise<Record<string, { severity: string; detail: string }>> {
  const attempt = await page.locator("main#result").getAttribute("data-attempt");
  const stored = await collector.api("GET", `/v1/attempts/${attempt}`);
  return Object.fromEntries((stored.body.reasons as { rule: string; severity: string; detail: string }[]).map((r) => [r.rule, r]));
}

describe("signals in real Chromium", { timeout: 90_000 }, () => {
  it("tells a person's fill from a scripted fill, in signals and in rule outcomes", async () => {
    const { shop, collector } = await stack();

    // A person: reads, moves the pointer to each field, types with a rhythm, clicks the button.
    const person = await newContext(persons, PERSONAS.stockholm);
    cleanups.push(() => person.context.close());
    const page = await person.newPage();
    await page.goto(`${shop.url}/checkout?sku=HP-ANC`);
    const sid = await sessionIdOf(page);
    await page.waitForTimeout(400);
    for (const field of FIELDS) await typeLikeAPerson(page, `#${field}`, anna[field]);
    await clickLikeAPerson(page, "#place-order");
    const outcome = await readOutcome(page);
    const signals = await signalsOf(collector, sid, (s) => isSubmitted(s) && s.automation !== undefined);

    expect(outcome).toMatchObject({ decision: "allow", tokenStatus: "valid", rules: [] });
    expect(signals.automation).toEqual({ traces: [] });
    const roles = byRole(signals);
    expect(Object.keys(roles).sort()).toEqual(["address", "email", "name", "phone"]);
    expect(roles.email).toMatchObject({ typed: anna.email.length, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, pointerFocuses: 1 });
    expect(roles.email!.keys).toBeGreaterThanOrEqual(anna.email.length);
    expect(roles.address!.typed).toBe(anna.line1.length + anna.postalCode.length + anna.city.length);
    expect(roles.name!.focusMs).toBeGreaterThan(100);
    expect(signals.pointer!.moves).toBeGreaterThan(40);
    expect(signals.pointer).toMatchObject({ clicks: 7, stillClicks: 0, taps: 0 });
    expect(signals.pointer!.approachMoves).toBeGreaterThanOrEqual(6);
    expect(signals.pointer!.straightness).toBeGreaterThan(0.5);
    expect(signals.pointer!.speedPxPerS).toBeGreaterThan(0);
    expect(signals.page).toMatchObject({ submits: 1, presses: 7, untrusted: 0, hides: 0, referrer: "" });
    expect(signals.page!.keys).toBeGreaterThan(60);
    expect(signals.page!.firstInputMs).toBeGreaterThan(0);
    expect(signals.page!.submitMs).toBeGreaterThan(signals.page!.firstInputMs!);
    expect(person.pageErrors).toEqual([]);

    // The same browser (no webdriver, an ordinary user agent), filled by a script: Playwright's fill, no pointer.
    const scripted = await newContext(persons, PERSONAS.stockholm);
    cleanups.push(() => scripted.context.close());
    const bot = await scripted.newPage();
    await bot.goto(`${shop.url}/checkout?sku=HP-ANC`);
    const botSid = await sessionIdOf(bot);
    for (const field of FIELDS) await bot.fill(`#${field}`, anna[field]);
    await bot.click("#place-order");
    const botOutcome = await readOutcome(bot);
    const botSignals = await signalsOf(collector, botSid, isSubmitted);

    expect(botOutcome.tokenStatus).toBe("valid");
    expect(botOutcome.decision).not.toBe("allow");
    expect(botOutcome.rules).toContain("no_interaction");
    // A script is fast, but how fast depends on the machine: form_speed must agree with the time measured.
    expect(botOutcome.rules.includes("form_speed")).toBe(botSignals.page!.submitMs! < FORM_SPEED_LIMIT_MS);
    expect(botOutcome.rules).not.toContain("automation");
    expect(botOutcome.rules).not.toContain("checkout_paste");
    const botRoles = byRole(botSignals);
    for (const role of ["name", "email", "phone"] as const) {
      expect(botRoles[role]).toMatchObject({ keys: 0, typed: 0, injected: 1, pasted: 0, tabFocuses: 0, pointerFocuses: 0 });
    }
    expect(botSignals.pointer!.approachMoves).toBeLessThan(signals.pointer!.approachMoves);
    expect(botSignals.pointer!.moves).toBeLessThan(5);
    expect(botSignals.page).toMatchObject({ keys: 0, presses: 1, submits: 1 });
    expect(botSignals.page!.submitMs).toBeLessThan(signals.page!.submitMs!);
    const reasons = await reasonsOf(collector, bot);
    expect(reasons.no_interaction).toMatchObject({ severity: "medium" });
    if (reasons.form_speed) expect(reasons.form_speed.detail).toMatch(/^the form was submitted \d+\.\d s after the page loaded/);
  });

  it("finds a headless bot that submits without any key or pointer press", async () => {
    const { shop, collector } = await stack();
    const bot = await newContext(bots, PERSONAS.tokyo);
    cleanups.push(() => bot.context.close());
    const page = await bot.newPage();
    await page.goto(`${shop.url}/checkout?sku=HP-ANC`);
    const sid = await sessionIdOf(page);
    for (const field of FIELDS) await page.fill(`#${field}`, anna[field]);
    await page.locator("form[data-vakt]").evaluate((form: HTMLFormElement) => form.requestSubmit());
    const outcome = await readOutcome(page);
    const signals = await signalsOf(collector, sid, (s) => isSubmitted(s) && s.automation !== undefined);
    expect(outcome.decision).not.toBe("allow");
    expect(outcome.rules).toEqual(expect.arrayContaining(["automation", "no_interaction"]));
    expect(outcome.rules.includes("form_speed")).toBe(signals.page!.submitMs! < FORM_SPEED_LIMIT_MS);
    expect(signals.page).toMatchObject({ keys: 0, presses: 0, submits: 1 });
    const reasons = await reasonsOf(collector, page);
    expect(reasons.no_interaction).toMatchObject({ severity: "high" });
    expect(reasons.no_interaction!.detail).toContain("the form was submitted with no key or pointer press on the page");
  });

  it("detects pasted fields as pasted: the e-mail and phone pasted together", async () => {
    const { shop, collector } = await stack();
    const person = await newContext(persons, PERSONAS.stockholm);
    cleanups.push(() => person.context.close());
    await person.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: shop.url });
    const page = await person.newPage();
    await page.goto(`${shop.url}/checkout?sku=HP-ANC`);
    const sid = await sessionIdOf(page);
    await page.waitForTimeout(400);
    await typeLikeAPerson(page, "#name", anna.name);
    await pasteLikeAPerson(page, "#email", anna.email);
    await pasteLikeAPerson(page, "#phone", anna.phone);
    for (const field of ["line1", "postalCode", "city"] as const) await typeLikeAPerson(page, `#${field}`, anna[field]);
    await clickLikeAPerson(page, "#place-order");
    const outcome = await readOutcome(page);
    const roles = byRole(await signalsOf(collector, sid, isSubmitted));

    expect(roles.email).toMatchObject({ pasted: 1, typed: 0, autofilled: 0, injected: 0 });
    expect(roles.phone).toMatchObject({ pasted: 1, typed: 0, autofilled: 0, injected: 0 });
    expect(roles.name).toMatchObject({ pasted: 0, typed: anna.name.length });
    expect(outcome.rules).toEqual(["checkout_paste"]);
    expect(outcome.decision).toBe("challenge");
    const reasons = await reasonsOf(collector, page);
    expect(reasons.checkout_paste).toEqual({ rule: "checkout_paste", severity: "medium", detail: "pasted into the e-mail and phone fields (the e-mail and the phone together)" });
    expect(person.pageErrors).toEqual([]);
  });

  it("does not take the browser's autofill for pasting", async () => {
    const { shop, collector } = await stack();
    const person = await newContext(persons, PERSONAS.stockholm);
    cleanups.push(() => person.context.close());
    const page = await person.newPage();
    await page.goto(`${shop.url}/checkout?sku=HP-ANC`);
    const sid = await sessionIdOf(page);
    await page.waitForTimeout(400);
    // Click into the name field, pick the saved address, look it over, pay.
    await typeLikeAPerson(page, "#name", "");
    await autofillAddress(page, "#name", {
      NAME_FULL: anna.name,
      EMAIL_ADDRESS: anna.email,
      PHONE_HOME_WHOLE_NUMBER: anna.phone,
      ADDRESS_HOME_LINE1: anna.line1,
      ADDRESS_HOME_ZIP: anna.postalCode,
      ADDRESS_HOME_CITY: anna.city,
      ADDRESS_HOME_COUNTRY: "SE",
    });
    expect(await page.inputValue("#email")).toBe(anna.email);
    await page.waitForTimeout(3000);
    await clickLikeAPerson(page, "#place-order");
    const outcome = await readOutcome(page);
    const signals = await signalsOf(collector, sid, isSubmitted);
    const roles = byRole(signals);

    for (const role of ["name", "email", "phone", "address"] as const) {
      expect(roles[role]!.autofilled, role).toBeGreaterThanOrEqual(1);
      expect(roles[role], role).toMatchObject({ pasted: 0, typed: 0, injected: 0, keys: 0 });
    }
    expect(roles.name!.pointerFocuses).toBe(1);
    expect(outcome).toMatchObject({ decision: "allow", rules: [] });
  });

  it.each([
    ["a strict Content-Security-Policy", false],
    ["a strict Content-Security-Policy that enforces Trusted Types", true],
  ] as const)("gets its token, fingerprint and behaviour under %s, and adds no globals and no cookies", async (_name, hasTrustedTypes) => {
    const port = await freePort();
    const collector = await startTestCollector({ origins: [`http://127.0.0.1:${port}`] });
    cleanups.push(() => collector.destroy());
    const csp = [
      "default-src 'none'",
      `script-src ${collector.url}`,
      `connect-src ${collector.url} ${collector.url.replace(/^http/, "ws")}`,
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      ...(hasTrustedTypes ? ["require-trusted-types-for 'script'", "trusted-types 'none'"] : []),
    ].join("; ");
    const site = await startPageServer({ port, pages: { "/": checkoutPage(collector.url) }, headers: { "content-security-policy": csp } });
    cleanups.push(() => site.close());
    const shopper = await newContext(persons, PERSONAS.stockholm);
    cleanups.push(() => shopper.context.close());
    const page = await shopper.newPage();
    await recordViolations(page);
    await page.goto(site.url);
    const sid = await sessionIdOf(page);
    expect(await page.inputValue('input[name="vakt_token"]')).toMatch(/^eyJ/);
    await typeLikeAPerson(page, "#email", anna.email);
    await signalsOf(collector, sid, (s) => s.visitorId !== undefined);
    expect(await newGlobals(page)).toEqual(["vakt"]);
    expect(await page.evaluate(() => document.cookie)).toBe("");
    // Nothing of ours is refused. Under Trusted Types the browser refuses FingerprintJS's font-size iframe
    // (its `srcdoc`); FingerprintJS leaves that one source out and still gives a visitor id.
    expect(await violations(page)).toEqual(hasTrustedTypes ? ["require-trusted-types-for trusted-types-sink"] : []);
    await clickLikeAPerson(page, "#pay");
    await page.locator("#placed").waitFor();
    const signals = await signalsOf(collector, sid, isSubmitted);
    expect(signals.visitorId).toMatch(/^[0-9a-f]{32}$/);
    expect(byRole(signals).email).toMatchObject({ typed: anna.email.length });
    expect(site.orders[0]!.get("vakt_token")).toMatch(/^eyJ/);
    expect(shopper.pageErrors).toEqual([]);
  });

  describe("with the WebSocket blocked", () => {
    it.each([
      ["by the network (the upgrade is refused)", "route"],
      ["by the page's CSP (connect-src without ws:)", "csp"],
    ] as const)("delivers the token, the signals and token refreshes over HTTP: blocked %s", async (_how, how) => {
      const port = await freePort();
      const collector = await startTestCollector({ origins: [`http://127.0.0.1:${port}`], token: { ttlSeconds: 30 } });
      cleanups.push(() => collector.destroy());
      const headers = how === "csp" ? { "content-security-policy": `default-src 'none'; script-src ${collector.url}; connect-src ${collector.url}; form-action 'self'` } : undefined;
      const site = await startPageServer({ port, pages: { "/": checkoutPage(collector.url) }, ...(headers ? { headers } : {}) });
      cleanups.push(() => site.close());
      const shopper = await newContext(persons, PERSONAS.stockholm);
      cleanups.push(() => shopper.context.close());
      if (how === "route") await shopper.context.routeWebSocket(/\/v1\/stream/, (ws) => ws.close({ code: 1006 }));
      const page = await shopper.newPage();
      const collects: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes("/v1/collect")) collects.push(request.headers()["content-type"] ?? "");
      });
      await page.clock.install();
      await page.goto(site.url);
      const sid = await sessionIdOf(page);
      const first = await page.inputValue('input[name="vakt_token"]');
      expect(first).toMatch(/^eyJ/);
      expect(collects.length).toBeGreaterThan(0);
      expect(collects.every((type) => type === "text/plain")).toBe(true);

      // The refresh at 80% of the 30 s lifetime goes over HTTP too, for the same session.
      await page.clock.fastForward(25_000);
      await page.waitForFunction((old) => document.querySelector<HTMLInputElement>('input[name="vakt_token"]')!.value !== old, first);
      expect(await sessionIdOf(page)).toBe(sid);

      await typeLikeAPerson(page, "#email", anna.email);
      await clickLikeAPerson(page, "#pay");
      await page.locator("#placed").waitFor();
      const signals = await signalsOf(collector, sid, (s) => isSubmitted(s) && s.visitorId !== undefined);
      expect(byRole(signals).email).toMatchObject({ typed: anna.email.length });
      expect(site.orders[0]!.get("vakt_token")).not.toBe(first);
      expect(shopper.pageErrors).toEqual([]);
    });
  });

  it("does not stop or delay the form when the collector is down", async () => {
    // The script loads from the collector, which is down otherwise: the stream and the fallback both fail.
    const port = await freePort();
    const site = await startPageServer({ port, pages: { "/": checkoutPage(`http://127.0.0.1:${port}`) }, isDownCollector: true });
    cleanups.push(() => site.close());
    const shopper = await newContext(persons, PERSONAS.stockholm);
    cleanups.push(() => shopper.context.close());
    const page = await shopper.newPage();
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => typeof (window as unknown as { vakt?: unknown }).vakt === "object");
    await typeLikeAPerson(page, "#email", anna.email);
    await page.waitForTimeout(1500);
    const box = (await page.locator("#pay").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 12 });
    const started = Date.now();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator("#placed").waitFor({ timeout: 5_000 });
    // Nothing waits for the collector: the form goes as soon as it is clicked (a busy machine still takes a moment).
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(site.orders).toHaveLength(1);
    expect(site.orders[0]!.get("email")).toBe(anna.email);
    expect(site.orders[0]!.get("vakt_token")).toBe("");
    expect(site.requests).toContain("/v1/collect");
    expect(shopper.pageErrors).toEqual([]);
  });
});

/** A minimal checkout: one form with `data-vakt` and the script tag, nothing inline. */
function checkoutPage(collectorUrl: string): string {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Checkout</title></head><body>
<form data-vakt method="post" action="/order">
<label for="email">E-mail</label> <input id="email" name="email" type="email" autocomplete="email">
<button id="pay" type="submit">Pay</button>
</form>
<script src="${collectorUrl}/v1/vakt.js" data-site-key="${SITE_KEY}" async></script>
</body></html>`;
}

interface Recorded {
  cspViolations: string[];
  globalsAtStart: string[];
}

/** Records CSP violations, and the window's own properties before any page script (init scripts run outside the page's CSP). */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    const recorded = window as unknown as Recorded;
    recorded.globalsAtStart = [...Object.getOwnPropertyNames(window), "globalsAtStart", "cspViolations"];
    recorded.cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
}
const violations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as Recorded).cspViolations);
/** Globals the page gained since it started. */
const newGlobals = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const atStart = new Set((window as unknown as Recorded).globalsAtStart);
    return Object.getOwnPropertyNames(window).filter((name) => !atStart.has(name));
  });
