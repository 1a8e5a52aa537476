/**
 * How the page is used, as aggregates: per checkout field (by role) how it was filled and focused, the
 * pointer's movement before clicks, and the page's visibility, timing and trusted input. Listens on
 * the document in the capture phase, passively: it never reads a value, a character or a key code
 * (only whether a key was Tab, to tell tabbing from clicking), and never changes or delays an event.
 */
import { MAX_FIELDS, type EnvironmentSignals, type FieldSignals, type PageSignals, type PointerSignals } from "../protocol.js";
import { fieldRole } from "./field-role.js";

export type BehaviourGroup = "fields" | "pointer" | "page";
export type BehaviourSignals = Pick<EnvironmentSignals, BehaviourGroup>;

export interface Behaviour {
  /** The current aggregate of these groups. */
  read(groups: readonly BehaviourGroup[]): BehaviourSignals;
  stop(): void;
}

/** A focus change counts as made by Tab or by a pointer when it follows that gesture within this long. */
const GESTURE_MS = 1000;

interface FieldState {
  signals: FieldSignals;
  /** When the field got focus, while it has it. */
  focusedAt?: number;
  /** A trusted key went down in the field since its last input. */
  isKeyed?: boolean;
}

const isAutofilled = (element: Element): boolean =>
  [":autofill", ":-webkit-autofill"].some((selector) => {
    try {
      return element.matches(selector);
    } catch {
      return false;
    }
  });

/**
 * Starts watching. `onChange(group, isUrgent)` is called whenever a group changes; urgent changes
 * (a submit, the page being hidden or left) should be sent at once. `guard` wraps every listener.
 */
export function watchBehaviour(onChange: (group: BehaviourGroup, isUrgent?: boolean) => void, guard: (listener: (event: any) => void) => (event: any) => void): Behaviour {
  const now = (): number => performance.now();
  const fields = new Map<EventTarget, FieldState>();
  const pointer: PointerSignals = { moves: 0, distancePx: 0, clicks: 0, stillClicks: 0, taps: 0, approachMoves: 0, straightness: 0, speedPxPerS: 0 };
  const page: PageSignals = { onPageMs: 0, hides: 0, hiddenMs: 0, submits: 0, keys: 0, presses: 0, untrusted: 0, referrer: "" };
  try {
    page.referrer = document.referrer && new URL(document.referrer).origin;
  } catch {
    // An unparsable referrer stays "".
  }

  // The approach to the next click: moves, path length, where and when it started.
  let lastX: number | undefined;
  let lastY = 0;
  let approachMoves = 0;
  let approachPx = 0;
  let approachX = 0;
  let approachY = 0;
  let approachAt = 0;
  // Sums over clicks, and over approaches that moved.
  let approachMovesSum = 0;
  let moved = 0;
  let straightnessSum = 0;
  let speedSum = 0;
  let tabAt = -GESTURE_MS;
  let pressAt = -GESTURE_MS;
  let hiddenAt = 0;
  let isLeaving = false;

  const targetOf = (event: Event): EventTarget | null => (event.composedPath ? event.composedPath()[0] : event.target) || null;
  const field = (event: Event): FieldState | undefined => {
    const target = targetOf(event);
    let state = target ? fields.get(target) : undefined;
    const role = state || fields.size >= MAX_FIELDS ? undefined : fieldRole(target);
    if (role) {
      state = {
        signals: { role, keys: 0, typed: 0, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, corrections: 0, focuses: 0, tabFocuses: 0, pointerFocuses: 0, focusMs: 0 },
      };
      fields.set(target!, state);
    }
    return state;
  };
  const input = (): void => {
    if (page.firstInputMs === undefined) page.firstInputMs = Math.round(now());
    onChange("page");
  };
  /** Counts an event a script dispatched (`isTrusted` false); true for those. */
  const untrusted = (event: Event): boolean => {
    if (event.isTrusted) return false;
    page.untrusted++;
    onChange("page");
    return true;
  };

  const listeners: [EventTarget, string, (event: any) => void][] = [];
  const options = { capture: true, passive: true };
  const on = <E extends Event>(target: EventTarget, type: string, listener: (event: E) => void): void => {
    const guarded = guard(listener);
    listeners.push([target, type, guarded]);
    target.addEventListener(type, guarded, options);
  };

  on(document, "keydown", (event: KeyboardEvent) => {
    // Chrome's autofill dispatches a plain Event named keydown, without a key: not a key press.
    if (untrusted(event) || typeof event.key !== "string") return;
    page.keys++;
    if (event.key === "Tab") tabAt = now();
    const state = field(event);
    if (state) {
      state.signals.keys++;
      state.isKeyed = true;
      onChange("fields");
    }
    input();
  });
  on(document, "pointerdown", (event: PointerEvent) => {
    if (untrusted(event)) return;
    page.presses++;
    pressAt = now();
    if (event.pointerType === "touch") {
      pointer.taps++;
    } else {
      pointer.clicks++;
      approachMovesSum += approachMoves;
      if (!approachMoves) pointer.stillClicks++;
      if (approachPx > 0) {
        moved++;
        straightnessSum += Math.min(1, Math.hypot(event.clientX - approachX, event.clientY - approachY) / approachPx);
        speedSum += (approachPx * 1000) / Math.max(1, pressAt - approachAt);
      }
      approachMoves = approachPx = 0;
    }
    onChange("pointer");
    input();
  });
  on(document, "pointermove", (event: PointerEvent) => {
    if (!event.isTrusted || event.pointerType === "touch") return;
    const { clientX: x, clientY: y } = event;
    const stepPx = lastX === undefined ? 0 : Math.hypot(x - lastX, y - lastY);
    if (!approachMoves++) {
      approachX = lastX ?? x;
      approachY = lastX === undefined ? y : lastY;
      approachAt = now();
    }
    approachPx += stepPx;
    pointer.distancePx += stepPx;
    pointer.moves++;
    lastX = x;
    lastY = y;
    onChange("pointer");
  });
  on(document, "click", untrusted);
  on(document, "focusin", (event: FocusEvent) => {
    const state = field(event);
    if (!state) return;
    const at = now();
    const signals = state.signals;
    signals.focuses++;
    if (at - tabAt < GESTURE_MS && tabAt > pressAt) signals.tabFocuses++;
    else if (at - pressAt < GESTURE_MS) signals.pointerFocuses++;
    state.focusedAt = at;
    onChange("fields");
  });
  on(document, "focusout", (event: FocusEvent) => {
    const state = field(event);
    if (state?.focusedAt === undefined) return;
    state.signals.focusMs += now() - state.focusedAt;
    state.focusedAt = undefined;
    onChange("fields");
  });
  on(document, "input", (event: InputEvent) => {
    const state = field(event);
    if (!state) return;
    const signals = state.signals;
    const type = event.inputType || "";
    if (untrusted(event)) signals.untrusted++;
    else if (/^insertFrom/.test(type)) signals.pasted++;
    else if (!type || type === "insertReplacementText" || isAutofilled(targetOf(event) as Element)) signals.autofilled++;
    else if (/^(?:delete|history)/.test(type)) signals.corrections++;
    else if (state.isKeyed) signals.typed++;
    else signals.injected++;
    state.isKeyed = false;
    onChange("fields");
  });
  on(document, "submit", () => {
    page.submits++;
    if (page.submitMs === undefined) page.submitMs = Math.round(now());
    onChange("page", true);
  });
  on(document, "visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      // Leaving the page hides it too; that is not the shopper looking elsewhere.
      if (!isLeaving) page.hides++;
      hiddenAt = now();
    } else if (hiddenAt) {
      page.hiddenMs += now() - hiddenAt;
      hiddenAt = 0;
    }
    // Hidden may be the page's last moment (mobile browsers discard background tabs).
    onChange("page", !!hiddenAt);
  });
  on(window, "pagehide", () => {
    isLeaving = true;
    onChange("page", true);
  });
  on(window, "pageshow", () => (isLeaving = false));

  return {
    read(groups) {
      const at = now();
      const signals: BehaviourSignals = {};
      if (groups.includes("fields")) {
        signals.fields = Array.from(fields.values(), ({ signals: s, focusedAt }) => ({ ...s, focusMs: Math.round(s.focusMs + (focusedAt === undefined ? 0 : at - focusedAt)) }));
      }
      if (groups.includes("pointer")) {
        signals.pointer = {
          ...pointer,
          distancePx: Math.round(pointer.distancePx),
          approachMoves: pointer.clicks ? Math.round((approachMovesSum / pointer.clicks) * 10) / 10 : 0,
          straightness: moved ? Math.round((straightnessSum / moved) * 1000) / 1000 : 0,
          speedPxPerS: moved ? Math.round(speedSum / moved) : 0,
        };
      }
      if (groups.includes("page")) {
        signals.page = { ...page, onPageMs: Math.round(at), hiddenMs: Math.round(page.hiddenMs + (hiddenAt ? at - hiddenAt : 0)) };
      }
      return signals;
    },
    stop() {
      for (const [target, type, listener] of listeners) target.removeEventListener(type, listener, options);
    },
  };
}
