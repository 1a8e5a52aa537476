/**
 * The script-tag entry (`<script src="https://COLLECTOR/v1/vakt.js" data-site-key="pk_..." async>`).
 * Finds its own tag, reads `data-site-key` and `data-debug`, takes the collector's URL from the
 * script's own URL, starts the agent and sets `window.vakt = { token, challenge }`. No other globals.
 * Shows the step-up challenge in every `[data-vakt-challenge]` element once the page is parsed.
 */
import { start } from "./agent.js";
import { challenge, mountAll, type ChallengeOptions, type ChallengeResult } from "./challenge.js";

const SCRIPT_PATH = "/v1/vakt.js";

declare global {
  interface Window {
    vakt?: { token: () => Promise<string>; challenge: (attemptId: string, options: ChallengeOptions) => Promise<ChallengeResult> };
  }
}

function findOwnScript(): HTMLScriptElement | undefined {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  const candidates = document.querySelectorAll<HTMLScriptElement>("script[data-site-key]");
  for (let i = 0; i < candidates.length; i++) {
    const script = candidates[i]!;
    if (new URL(script.src, location.href).pathname.endsWith(SCRIPT_PATH)) return script;
  }
  return undefined;
}

/** The collector's base URL: the script URL's origin, plus any path before `/v1/vakt.js` (a collector behind a path prefix). */
function collectorUrlOf(src: string): string {
  const url = new URL(src, location.href);
  const path = url.pathname;
  return url.origin + (path.endsWith(SCRIPT_PATH) ? path.slice(0, -SCRIPT_PATH.length) : "");
}

function boot(): void {
  const script = findOwnScript();
  const debugValue = script?.getAttribute("data-debug");
  const isDebug = debugValue != null && debugValue !== "false" && debugValue !== "0";
  const debugLog = (...args: unknown[]): void => {
    if (isDebug) console.log("[vakt]", ...args);
  };
  if (window.vakt) return debugLog("already started; this copy does nothing");
  const siteKey = script?.getAttribute("data-site-key");
  if (!script || !siteKey) return debugLog("no data-site-key on the script tag; not started");
  const collectorUrl = collectorUrlOf(script.src);
  const agent = start({ siteKey, collectorUrl, debug: isDebug });
  window.vakt = { token: () => agent.token(), challenge: (attemptId, options) => challenge(collectorUrl, attemptId, options) };
  if (document.readyState === "loading") addEventListener("DOMContentLoaded", () => mountAll(collectorUrl));
  else mountAll(collectorUrl);
}

try {
  boot();
} catch {
  // Never throw into the page.
}
