// The automation traces against stubbed browsers; real headless and headed Chromium are checked in test/e2e.
import { afterEach, describe, expect, it, vi } from "vitest";
import { getAutomation, osFamily } from "./automation.js";

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";
const FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:130.0) Gecko/20100101 Firefox/130.0";
const SAFARI_IPAD_DESKTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

interface Browser {
  navigator: Record<string, unknown>;
  windowNames?: string[];
  documentNames?: string[];
  attributes?: string[];
  process?: unknown;
  outer?: [number, number];
  screen?: [number, number];
  hasFocus?: boolean;
  isSecureContext?: boolean;
}

/** A person's desktop Chrome on Linux, as headed Chromium reports it. */
const chromeLinux = (): Browser => ({
  navigator: {
    userAgent: CHROME_LINUX,
    platform: "Linux x86_64",
    userAgentData: { brands: [{ brand: "Not:A-Brand", version: "8" }, { brand: "Chromium", version: "156" }], mobile: false, platform: "Linux" },
    languages: ["sv-SE"],
    plugins: { length: 5 },
    pdfViewerEnabled: true,
  },
});

function traces(browser: Browser): string[] {
  const windowObject: Record<string, unknown> = Object.fromEntries((browser.windowNames ?? ["document", "navigator", "dataLayer"]).map((name) => [name, 1]));
  if (browser.process !== undefined) windowObject.process = browser.process;
  vi.stubGlobal("window", windowObject);
  vi.stubGlobal("document", {
    ...Object.fromEntries((browser.documentNames ?? ["location"]).map((name) => [name, 1])),
    documentElement: { getAttributeNames: () => browser.attributes ?? ["lang"] },
    hasFocus: () => browser.hasFocus ?? true,
  });
  vi.stubGlobal("navigator", browser.navigator);
  vi.stubGlobal("outerWidth", browser.outer?.[0] ?? 1288);
  vi.stubGlobal("outerHeight", browser.outer?.[1] ?? 885);
  vi.stubGlobal("screen", { width: browser.screen?.[0] ?? 1280, height: browser.screen?.[1] ?? 800 });
  vi.stubGlobal("isSecureContext", browser.isSecureContext ?? true);
  return getAutomation().traces;
}

afterEach(() => vi.unstubAllGlobals());

describe("osFamily", () => {
  it.each([
    [CHROME_WINDOWS, "windows"],
    ["Win32", "windows"],
    ["Windows", "windows"],
    [CHROME_LINUX, "linux"],
    ["Linux x86_64", "linux"],
    [CHROME_ANDROID, "linux"],
    ["Linux armv8l", "linux"],
    ["Android", "linux"],
    ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/156.0.0.0", "linux"],
    ["Chrome OS", "linux"],
    [FIREFOX_MAC, "apple"],
    ["MacIntel", "apple"],
    ["macOS", "apple"],
    ["iPhone", "apple"],
    ["", ""],
    ["PlayStation 5", ""],
  ])("%s is %s", (text, family) => {
    expect(osFamily(text)).toBe(family);
  });
});

describe("getAutomation", () => {
  it("finds nothing in a person's Chrome", () => {
    expect(traces(chromeLinux())).toEqual([]);
  });

  it("finds nothing in Firefox or Safari (no client hints, no Chrome plugins rule)", () => {
    expect(traces({ navigator: { userAgent: FIREFOX_MAC, platform: "MacIntel", languages: ["en-US"], plugins: { length: 5 }, pdfViewerEnabled: true } })).toEqual([]);
    expect(traces({ navigator: { userAgent: SAFARI_IPAD_DESKTOP, platform: "MacIntel", languages: ["sv-SE"], plugins: { length: 0 } } })).toEqual([]);
  });

  it("finds nothing in Chrome on Android, which has no plugins", () => {
    const android = {
      userAgent: CHROME_ANDROID,
      platform: "Linux armv81",
      userAgentData: { brands: [{ brand: "Chromium", version: "156" }], mobile: true, platform: "Android" },
      languages: ["sv-SE"],
      plugins: { length: 0 },
      pdfViewerEnabled: false,
    };
    expect(traces({ navigator: android })).toEqual([]);
  });

  it.each([
    ["a ChromeDriver global", { windowNames: ["document", "cdc_adoQpoasnfa76pfcZLmcfl_Array"] }],
    ["a renamed ChromeDriver global", { windowNames: ["xyz_asdjflasutopfhvcZLmcfl_Promise"] }],
    ["Selenium on the document", { documentNames: ["__webdriver_evaluate"] }],
    ["the $cdc_ document key", { documentNames: ["$cdc_asdjflasutopfhvcZLmcfl_"] }],
    ["a webdriver attribute on <html>", { attributes: ["lang", "webdriver"] }],
    ["PhantomJS", { windowNames: ["callPhantom", "_phantom"] }],
    ["Nightmare", { windowNames: ["__nightmare"] }],
    ["Playwright's binding", { windowNames: ["__playwright__binding__"] }],
    ["Playwright's init scripts", { windowNames: ["__pwInitScripts"] }],
    ["headless Chrome's domAutomation", { windowNames: ["domAutomationController"] }],
    ["Electron", { process: { type: "renderer", versions: { electron: "28.1.0" } } }],
  ])("finds a framework: %s", (_name, extra) => {
    expect(traces({ ...chromeLinux(), ...extra })).toEqual(["framework"]);
  });

  it("does not take ordinary page globals for a framework", () => {
    const names = ["__NEXT_DATA__", "__nuxt", "__VUE__", "__APOLLO_STATE__", "_satellite", "_hjSettings", "__REDUX_DEVTOOLS_EXTENSION__", "dataLayer", "google_tag_manager", "webpackChunk_N_E", "__webpack_require__", "process_id"];
    expect(traces({ ...chromeLinux(), windowNames: names, process: { env: { NODE_ENV: "production" } } })).toEqual([]);
  });

  it("finds no plugins in desktop Chrome, unless its PDF viewer is off", () => {
    const browser = chromeLinux();
    browser.navigator.plugins = { length: 0 };
    expect(traces(browser)).toEqual(["noPlugins"]);
    browser.navigator.pdfViewerEnabled = false;
    expect(traces(browser)).toEqual([]);
  });

  it("finds no languages", () => {
    const browser = chromeLinux();
    browser.navigator.languages = [];
    expect(traces(browser)).toEqual(["noLanguages"]);
  });

  it("finds a user agent naming another system than the platform or client hints", () => {
    const browser = chromeLinux();
    browser.navigator.userAgent = CHROME_WINDOWS;
    expect(traces(browser)).toEqual(["uaPlatform"]);
    expect(traces({ navigator: { userAgent: FIREFOX_MAC, platform: "Win32", languages: ["en"], plugins: { length: 5 } } })).toEqual(["uaPlatform"]);
  });

  it("finds a user agent whose Chrome version or mobility disagrees with the client hints", () => {
    const browser = chromeLinux();
    browser.navigator.userAgent = CHROME_LINUX.replace("Chrome/156", "Chrome/120");
    expect(traces(browser)).toEqual(["uaHints"]);
    browser.navigator.userAgent = CHROME_LINUX.replace("Safari", "Mobile Safari");
    expect(traces(browser)).toEqual(["uaHints"]);
  });

  it("finds a desktop Chrome user agent without client hints in a secure context (another engine in disguise)", () => {
    const browser = chromeLinux();
    delete browser.navigator.userAgentData;
    expect(traces(browser)).toEqual(["uaHints"]);
    expect(traces({ ...browser, isSecureContext: false })).toEqual([]);
  });

  it("finds a window with no size while it has focus, and a screen with none", () => {
    expect(traces({ ...chromeLinux(), outer: [0, 0] })).toEqual(["windowSize"]);
    expect(traces({ ...chromeLinux(), outer: [0, 0], hasFocus: false })).toEqual([]);
    expect(traces({ ...chromeLinux(), screen: [0, 0] })).toEqual(["windowSize"]);
  });
});
