import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const CHROMIUM = process.env.VAKT_CHROMIUM ?? "/usr/bin/chromium";
const QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let xvfb: ChildProcess | undefined;
let display = process.env.DISPLAY;

/** A display for headed Chromium: the session's own, or an Xvfb we start (and stop in `stopDisplay`). */
async function ensureDisplay(): Promise<string> {
  if (display) return display;
  for (let n = 90 + Math.floor(Math.random() * 400); ; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const child = spawn("Xvfb", [`:${n}`, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"], { stdio: "ignore" });
    const started = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(`/tmp/.X11-unix/X${n}`)) done(true);
      }, 25);
      const done = (ok: boolean) => {
        clearInterval(poll);
        resolve(ok);
      };
      child.once("exit", () => done(false));
      child.once("error", () => done(false));
    });
    if (!started) throw new Error("Xvfb did not start: install Debian's xvfb (bash .ci/run does)");
    xvfb = child;
    display = `:${n}`;
    return display;
  }
}

export function stopDisplay(): void {
  xvfb?.kill();
  xvfb = undefined;
}

/**
 * Chromium as a person runs it: headed (under Xvfb), without the automation switch, so
 * navigator.webdriver is false and the user agent is an ordinary Chrome one.
 */
export async function launchPersonsBrowser(): Promise<Browser> {
  const onDisplay = await ensureDisplay();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: false,
    ignoreDefaultArgs: ["--enable-automation"],
    args: [...QUIET_FLAGS, "--disable-blink-features=AutomationControlled", "--window-size=1280,900"],
    env: { ...process.env, DISPLAY: onDisplay },
  });
}

/** Plain headless Chromium driven by a script: what a fraudster's bot looks like. */
export function launchBotBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: QUIET_FLAGS });
}

export interface Persona {
  locale: string;
  timezoneId: string;
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
}

export const PERSONAS = {
  stockholm: { locale: "sv-SE", timezoneId: "Europe/Stockholm", viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  newYork: { locale: "en-US", timezoneId: "America/New_York", viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2 },
  tokyo: { locale: "ja-JP", timezoneId: "Asia/Tokyo", viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1.5 },
} satisfies Record<string, Persona>;

/** A browser context whose page errors are collected: the script must never throw into the page. */
export async function newContext(browser: Browser, persona: Persona): Promise<{ context: BrowserContext; pageErrors: string[]; newPage(): Promise<Page> }> {
  const context = await browser.newContext({ ...persona });
  const pageErrors: string[] = [];
  return {
    context,
    pageErrors,
    async newPage() {
      const page = await context.newPage();
      page.on("pageerror", (err) => pageErrors.push(err.message));
      return page;
    },
  };
}

/** Moves the pointer to a field in a few steps, clicks it and types with a person's rhythm. */
export async function typeLikeAPerson(page: Page, selector: string, text: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  await page.mouse.move(box.x + box.width * 0.3 + Math.random() * 20, box.y + box.height / 2, { steps: 8 });
  await page.mouse.click(box.x + box.width * 0.35, box.y + box.height / 2);
  await page.locator(selector).pressSequentially(text, { delay: 25 + Math.floor(Math.random() * 30) });
}

export async function clickLikeAPerson(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 12 });
  await page.waitForTimeout(120);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Pastes `text` into a field as a person does: clicks into it and presses Ctrl+V (the context needs clipboard permissions). */
export async function pasteLikeAPerson(page: Page, selector: string, text: string): Promise<void> {
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 6 });
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.keyboard.press("Control+V");
}

/**
 * Chromium's own autofill (the Autofill DevTools domain), as when a shopper picks a saved address:
 * fills every field of the form that the address has, firing the events real autofill fires.
 */
export async function autofillAddress(page: Page, selector: string, fields: Record<string, string>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    const { node } = await cdp.send("DOM.describeNode", { nodeId });
    await cdp.send("Autofill.trigger", {
      fieldId: node.backendNodeId,
      address: { fields: Object.entries(fields).map(([name, value]) => ({ name, value })) },
    } as never);
  } finally {
    await cdp.detach();
  }
}
