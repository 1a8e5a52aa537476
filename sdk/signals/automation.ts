/**
 * Traces of automation and of environments no real browser has, after the detectors FingerprintJS's
 * BotD publishes (distinctive globals, plugins and languages, window size) plus consistency checks of
 * our own between the user agent, `navigator.platform` and User-Agent Client Hints. Each trace is a
 * name; the collector's `automation` rule gives each its configured severity.
 */
import type { AutomationTrace } from "../protocol.js";

/**
 * Globals that automation frameworks and headless toolkits leave on `window` or `document`: Selenium and
 * ChromeDriver (`$cdc_…`, `…_Array`), WebDriver, PhantomJS, Nightmare, Playwright, Puppeteer, Watir, CEF,
 * Awesomium, FMiner, WebdriverIO, domAutomation.
 */
const FRAMEWORK_GLOBAL =
  /^(?:\$?cdc_|\$wdc_|\$chrome_async|_?_?\$?(?:selenium|webdriver|fxdriver|driver_|phantom|nightmare|playwright|puppeteer|lastwatir)|callphantom|_selenium_ide|calledselenium|domautomation|awesomium|cefsharp|runperftest|fmget_targets|wdioelectron|chromedriver|__pw[a-z]|[a-z]{3}_.*_(?:array|promise|symbol)$)/i;

type Hints = { brands?: { brand: string; version: string }[]; mobile?: boolean; platform?: string };

/** The operating system family a user agent or platform string names: Linux, Android and ChromeOS count as one. */
export function osFamily(text: string): string {
  return /android|cros|chrom(?:e|ium) os/i.test(text) ? "linux" : /mac|iphone|ipad|ipod/i.test(text) ? "apple" : /win/i.test(text) ? "windows" : /linux|x11/i.test(text) ? "linux" : "";
}

function hasFrameworkGlobals(): boolean {
  const names = Object.getOwnPropertyNames(window).concat(Object.getOwnPropertyNames(document), document.documentElement.getAttributeNames());
  const process = (window as { process?: { type?: string; versions?: { electron?: string } } }).process;
  return names.some((name) => FRAMEWORK_GLOBAL.test(name) || /^(?:selenium|webdriver|driver)$/i.test(name)) || !!(process && (process.type === "renderer" || process.versions?.electron));
}

export function getAutomation(): { traces: AutomationTrace[] } {
  const ua = navigator.userAgent;
  const hints = (navigator as Navigator & { userAgentData?: Hints }).userAgentData;
  const chrome = /Chrome\/(\d+)/.exec(ua);
  const isDesktop = !/Android|Mobi/.test(ua);
  const chromium = hints?.brands?.find((b) => b.brand === "Chromium");
  const systems = [osFamily(ua), osFamily(navigator.platform), osFamily(hints?.platform || "")].filter(Boolean);
  const found: Record<AutomationTrace, boolean> = {
    framework: hasFrameworkGlobals(),
    // Desktop Chromium lists its PDF viewer in navigator.plugins unless PDFs are set to download.
    noPlugins: !!chrome && isDesktop && navigator.pdfViewerEnabled !== false && !navigator.plugins?.length,
    noLanguages: !navigator.languages?.length,
    uaPlatform: systems.some((system) => system !== systems[0]),
    // Client Hints come from the engine; a user agent string rewritten by a bot or tool disagrees with them.
    uaHints: hints
      ? (!!chromium && chromium.version !== chrome?.[1]) || (hints.mobile !== undefined && hints.mobile !== /Mobi/.test(ua))
      : !!chrome && +chrome[1]! >= 100 && isDesktop && isSecureContext,
    // Old headless Chrome has no window around the page; a background tab also reads 0x0, so only when focused.
    windowSize: (outerWidth === 0 && outerHeight === 0 && document.hasFocus()) || !screen.width || !screen.height,
  };
  return { traces: (Object.keys(found) as AutomationTrace[]).filter((trace) => found[trace]) };
}
