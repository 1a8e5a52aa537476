// Each synchronous signal against a stubbed browser. The real values are checked in Chromium (test/e2e).
import { afterEach, describe, expect, it, vi } from "vitest";
import { SYNC_SIGNALS } from "./index.js";
import { getLanguages } from "./languages.js";
import { getPlatform } from "./platform.js";
import { getScreen } from "./screen.js";
import { getTimezone } from "./timezone.js";
import { getUserAgent } from "./user-agent.js";
import { getWebdriver } from "./webdriver.js";

afterEach(() => vi.unstubAllGlobals());

describe("signals", () => {
  it("are registered in a fixed order under their EnvironmentSignals names", () => {
    expect(SYNC_SIGNALS.map(([name]) => name)).toEqual(["webdriver", "userAgent", "platform", "timezone", "languages", "screen", "automation"]);
  });

  it("webdriver is true only for a true navigator.webdriver", () => {
    vi.stubGlobal("navigator", { webdriver: true });
    expect(getWebdriver()).toBe(true);
    vi.stubGlobal("navigator", {});
    expect(getWebdriver()).toBe(false);
  });

  it("userAgent", () => {
    vi.stubGlobal("navigator", { userAgent: "Mozilla/5.0 X" });
    expect(getUserAgent()).toBe("Mozilla/5.0 X");
  });

  it("platform prefers client hints, then navigator.platform", () => {
    vi.stubGlobal("navigator", { platform: "Win32", userAgentData: { platform: "Windows" } });
    expect(getPlatform()).toBe("Windows");
    vi.stubGlobal("navigator", { platform: "MacIntel", userAgentData: { platform: "" } });
    expect(getPlatform()).toBe("MacIntel");
    vi.stubGlobal("navigator", { platform: "iPhone" });
    expect(getPlatform()).toBe("iPhone");
  });

  it("timezone is an IANA name", () => {
    expect(getTimezone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it("languages is a plain array, falling back to navigator.language", () => {
    const frozen = Object.freeze(["sv-SE", "en"]);
    vi.stubGlobal("navigator", { languages: frozen, language: "sv-SE" });
    const languages = getLanguages();
    expect(languages).toEqual(["sv-SE", "en"]);
    expect(Object.isFrozen(languages)).toBe(false);
    vi.stubGlobal("navigator", { language: "de" });
    expect(getLanguages()).toEqual(["de"]);
  });

  it("screen", () => {
    vi.stubGlobal("screen", { width: 390, height: 844, colorDepth: 24, availWidth: 1 });
    vi.stubGlobal("devicePixelRatio", 3);
    expect(getScreen()).toStrictEqual({ width: 390, height: 844, pixelRatio: 3, colorDepth: 24 });
  });
});
