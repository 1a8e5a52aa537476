/**
 * The step-up challenge widget, served as /v1/challenge.js and imported by the checkout script's
 * loader (sdk/challenge.ts) when a page shows a challenge. Renders into a shadow root on the container.
 */
import { render } from "preact";
import type { ChallengeOptions, ChallengeResult } from "../../sdk/challenge.js";
import { api } from "./api.js";
import { Challenge } from "./challenge.js";
import { pickLang, STRINGS } from "./strings.js";
import { CSS } from "./styles.js";

const shown = new WeakMap<Element, Promise<ChallengeResult>>();

function styleRoot(root: ShadowRoot): void {
  // A constructed stylesheet passes a strict CSP (no 'unsafe-inline' needed); a <style> element is the fallback.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }
}

export function mount(collectorUrl: string, attemptId: string, options: ChallengeOptions): Promise<ChallengeResult> {
  const container = typeof options.container === "string" ? document.querySelector(options.container) : options.container;
  const ticket = options.ticket ?? container?.getAttribute("data-vakt-ticket");
  if (!container || !ticket || !attemptId) return Promise.resolve({ attempt: attemptId, status: "error" });
  const existing = shown.get(container);
  if (existing) return existing;

  const result = new Promise<ChallengeResult>((resolve) => {
    const lang = pickLang(options.lang, container.getAttribute("data-vakt-lang"), container.closest("[lang]")?.getAttribute("lang"));
    const returnUrl = options.returnUrl ?? container.getAttribute("data-vakt-return-url");
    const root = container.shadowRoot ?? container.attachShadow({ mode: "open" });
    styleRoot(root);
    let isEnded = false;
    const onEnd = (status: "passed" | "failed"): void => {
      if (isEnded) return;
      isEnded = true;
      const outcome: ChallengeResult = { attempt: attemptId, status };
      resolve(outcome);
      container.dispatchEvent(new CustomEvent("vakt:challenge", { detail: outcome, bubbles: true, composed: true }));
      try {
        options.onComplete?.(outcome);
      } finally {
        if (returnUrl) location.assign(returnUrl);
      }
    };
    render(<Challenge call={api(collectorUrl, attemptId, ticket)} t={STRINGS[lang]} lang={lang} onEnd={onEnd} />, root);
  }).catch((): ChallengeResult => ({ attempt: attemptId, status: "error" }));
  shown.set(container, result);
  return result;
}
