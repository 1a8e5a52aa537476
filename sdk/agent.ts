/**
 * The agent: opens the stream, sends the signals, keeps the latest risk token and puts it in a hidden
 * `vakt_token` input of every `form[data-vakt]`. Every entry point and callback is guarded: the
 * script never throws into the page, never delays or blocks a submit (it only listens), and is
 * silent unless `debug` is on; what fails is reported to the collector, a few times per page at most.
 */
import type { EnvironmentSignals } from "./protocol.js";
import { getFingerprint, SYNC_SIGNALS, watchBehaviour, type Behaviour, type BehaviourGroup } from "./signals/index.js";
import { openStream, type Stream, type TokenFrame } from "./transport/stream.js";

export interface StartOptions {
  /** The site's public key (`pk_...`). */
  siteKey: string;
  /** Where the collector is, e.g. `https://vakt.example.com`. */
  collectorUrl: string;
  /** Log what the script does to the console. */
  debug?: boolean;
  /** Called with every new token (the first, and each refresh), e.g. to send it along with an API call. */
  onToken?: (token: string) => void;
  /**
   * Watch how the checkout is used (field filling, pointer, page): default true. Without it the
   * collector's behaviour rules (`checkout_paste`, `form_speed`, `no_interaction`) find nothing.
   */
  behaviour?: boolean;
}

export interface Agent {
  /** The current token; waits for the first one. */
  token(): Promise<string>;
  /** Closes the stream and stops updating forms. Hidden inputs keep the last token. */
  stop(): void;
}

export const TOKEN_INPUT_NAME = "vakt_token";
export const FORM_SELECTOR = "form[data-vakt]";
/** Ask for a fresh token at this share of its lifetime. */
export const REFRESH_AT_SHARE_OF_TTL = 0.8;
const MIN_REFRESH_MS = 1_000;
/**
 * Signals start once the first token is in, or after this long without one. FingerprintJS keeps the
 * main thread busy for a few hundred ms, which would otherwise hold back the token frame's handling.
 */
const SIGNALS_AT_LATEST_MS = 500;
/** setTimeout's largest delay; longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** Behaviour goes out at most this often while it changes (and at once on submit, hide or leave). */
export const BATCH_MS = 1_000;
/** Error reports sent to the collector per page, at most. */
export const MAX_REPORTS = 3;

export function start(options: StartOptions): Agent {
  const startedAtMs = Date.now();
  const log = options.debug
    ? (...args: unknown[]): void => {
        try {
          console.log("[vakt]", ...args);
        } catch {
          // no console: stay silent
        }
      }
    : (): void => {};
  let reports = 0;
  /** Logs a failure and tells the collector (a short text, no page data). Never throws. */
  const fail = (what: string, error: unknown): void => {
    try {
      log(what, error);
      if (reports++ < MAX_REPORTS) stream?.send({ t: "report", m: `${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 200) });
    } catch {
      // nothing left to do
    }
  };
  function guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args);
      } catch (error) {
        fail("failed", error);
      }
    };
  }

  let currentToken: string | undefined;
  let waiters: Array<(token: string) => void> = [];
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let stream: Stream | undefined;
  let observer: MutationObserver | undefined;
  let isStopped = false;
  let hasStartedSignals = false;
  let behaviour: Behaviour | undefined;
  const changed = new Set<BehaviourGroup>();
  let batchTimer: ReturnType<typeof setTimeout> | undefined;

  /** Every `form[data-vakt]` gets one hidden input holding the current token (empty until the first). */
  const syncForms = (): void => {
    try {
      if (typeof document === "undefined") return;
      document.querySelectorAll<HTMLFormElement>(FORM_SELECTOR).forEach((form) => {
        let input = form.querySelector<HTMLInputElement>(`input[name="${TOKEN_INPUT_NAME}"]`);
        if (!input) {
          input = document.createElement("input");
          input.type = "hidden";
          input.name = TOKEN_INPUT_NAME;
          form.appendChild(input);
        }
        if (currentToken && input.value !== currentToken) input.value = currentToken;
      });
    } catch (error) {
      log("forms: update failed", error);
    }
  };

  const watchForms = (): void => {
    if (typeof MutationObserver === "undefined" || typeof document === "undefined") return;
    // Only added elements and data-vakt changes can bring a form that needs an input.
    observer = new MutationObserver(
      guarded((records: MutationRecord[]) => {
        const isRelevant = (r: MutationRecord): boolean =>
          r.type === "attributes" || Array.prototype.some.call(r.addedNodes, (node: Node) => node.nodeType === 1);
        if (records.some(isRelevant)) syncForms();
      }),
    );
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-vakt"] });
  };

  const onToken = (frame: TokenFrame): void => {
    if (isStopped) return;
    log("token: received, ttlMs", frame.ttlMs);
    currentToken = frame.token;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve(frame.token);
    syncForms();
    setTimeout(startSignals, 0);
    clearTimeout(refreshTimer);
    const refreshMs = Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_MS, frame.ttlMs * REFRESH_AT_SHARE_OF_TTL));
    // Queued if the socket is down at that moment; a reconnect brings a fresh token as well.
    refreshTimer = setTimeout(
      guarded(() => {
        log("token: refreshing");
        stream?.send({ t: "token" });
      }),
      refreshMs,
    );
    try {
      options.onToken?.(frame.token);
    } catch (error) {
      log("onToken threw", error);
    }
  };

  const sendSignals = (): void => {
    const signals: EnvironmentSignals = {};
    for (const [name, get] of SYNC_SIGNALS) {
      const t0 = Date.now();
      try {
        (signals as Record<string, unknown>)[name] = get();
        log("signal", name, Date.now() - t0, "ms");
      } catch (error) {
        fail(`signal ${name}`, error);
      }
    }
    stream?.send({ t: "signals", d: signals });
    getFingerprint(startedAtMs).then(
      guarded((fingerprint) => {
        log("signal fingerprint", fingerprint.fingerprintMs, "ms");
        if (!isStopped) stream?.send({ t: "signals", d: fingerprint });
      }),
      (error: unknown) => fail("signal fingerprint", error),
    );
  };

  /** Environment signals and the fingerprint: after the first token (or SIGNALS_AT_LATEST_MS) and after the page's load. */
  const startSignals = guarded((): void => {
    if (hasStartedSignals || isStopped) return;
    if (typeof document !== "undefined" && document.readyState !== "complete") {
      addEventListener("load", () => setTimeout(startSignals, 0), { once: true });
      return;
    }
    hasStartedSignals = true;
    sendSignals();
  });

  /** Sends the behaviour groups that changed since the last frame, each whole. */
  const sendBehaviour = guarded((isUrgent?: boolean): void => {
    clearTimeout(batchTimer);
    batchTimer = undefined;
    if (!behaviour || !changed.size || isStopped) return;
    const signals = behaviour.read([...changed]);
    changed.clear();
    stream?.send({ t: "signals", d: signals }, isUrgent);
  });
  const onBehaviour = (group: BehaviourGroup, isUrgent?: boolean): void => {
    changed.add(group);
    if (isUrgent) sendBehaviour(true);
    else batchTimer ??= setTimeout(sendBehaviour, BATCH_MS);
  };

  try {
    stream = openStream({ collectorUrl: options.collectorUrl, siteKey: options.siteKey, onToken: guarded(onToken), log });
  } catch (error) {
    fail("start: stream", error);
  }
  try {
    syncForms();
    watchForms();
  } catch (error) {
    fail("start: forms", error);
  }
  try {
    if (options.behaviour !== false && typeof document !== "undefined") behaviour = watchBehaviour(onBehaviour, guarded);
  } catch (error) {
    fail("start: behaviour", error);
  }
  setTimeout(startSignals, SIGNALS_AT_LATEST_MS);

  return {
    token() {
      try {
        if (currentToken) return Promise.resolve(currentToken);
        return new Promise<string>((resolve) => waiters.push(resolve));
      } catch {
        return new Promise<string>(() => {});
      }
    },
    stop() {
      try {
        isStopped = true;
        clearTimeout(refreshTimer);
        clearTimeout(batchTimer);
        behaviour?.stop();
        observer?.disconnect();
        stream?.close();
        log("stopped");
      } catch (error) {
        log("stop failed", error);
      }
    },
  };
}
