/**
 * The step-up challenge's loader: the widget itself is a separate bundle (`/v1/challenge.js`), imported
 * only when a page shows a challenge, so the checkout script stays small.
 */
export interface ChallengeOptions {
  /** Where the widget goes: an element or a selector. */
  container: Element | string;
  /** The ticket from `POST /v1/challenges` (or `data-vakt-ticket` on the container). */
  ticket?: string;
  /** `en` or `sv`; default: `data-vakt-lang`, then the nearest `lang` attribute. */
  lang?: string;
  /** Where to go once the challenge has ended (or `data-vakt-return-url`); check the outcome on your server. */
  returnUrl?: string;
  /** Called once the challenge has ended; the container also gets a bubbling `vakt:challenge` event. */
  onComplete?: (result: ChallengeResult) => void;
}

export interface ChallengeResult {
  attempt: string;
  /** `error`: the widget could not be shown (bad ticket or container, collector unreachable). */
  status: "passed" | "failed" | "error";
}

export const WIDGET_PATH = "/v1/challenge.js";

/** Loads the widget and shows the challenge of `attemptId`; never rejects. */
export function challenge(collectorUrl: string, attemptId: string, options: ChallengeOptions): Promise<ChallengeResult> {
  return import(/* @vite-ignore */ collectorUrl + WIDGET_PATH)
    .then((widget: { mount: typeof challenge }) => widget.mount(collectorUrl, attemptId, options))
    .catch(() => ({ attempt: attemptId, status: "error" as const }));
}

/** Shows every `<div data-vakt-challenge="att_...">` on the page (the widget skips those already shown). */
export function mountAll(collectorUrl: string): void {
  document.querySelectorAll("[data-vakt-challenge]").forEach((container) => void challenge(collectorUrl, container.getAttribute("data-vakt-challenge")!, { container }));
}
