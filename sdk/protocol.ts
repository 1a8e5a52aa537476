/**
 * The wire between the browser script and the collector: the one place both sides agree on.
 * Frames are msgpack maps. The script encodes them with its own small encoder (sdk/transport/msgpack.ts);
 * the collector decodes them with msgpackr. Keep every field a plain string, number, boolean,
 * array or map so both agree byte for byte.
 */

export const PROTOCOL_VERSION = 1;

/** WebSocket stream: `ws(s)://COLLECTOR/v1/stream?k=SITE_KEY[&sid=SESSION_ID]`. */
export const STREAM_PATH = "/v1/stream";

/**
 * HTTP fallback, for when the WebSocket cannot open: `POST COLLECTOR/v1/collect?k=SITE_KEY[&sid=SESSION_ID]`
 * with a msgpack array of client frames as the body, sent as `text/plain` so the browser makes a simple
 * CORS request (no preflight). The answer is a msgpack array of server frames; it carries a token frame
 * when the request asked for one (`{ t: "token" }`) or started a new session.
 */
export const COLLECT_PATH = "/v1/collect";

/** Largest frame the collector accepts on the stream, in bytes. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Most frames in one fallback request. */
export const MAX_COLLECT_FRAMES = 32;

/** Checkout field roles, inferred from a field's `autocomplete`, `type`, `name` and `id`. */
export const FIELD_ROLES = ["email", "phone", "name", "address", "card"] as const;
export type FieldRole = (typeof FIELD_ROLES)[number];

/** Most fields the script reports per page. */
export const MAX_FIELDS = 30;

/**
 * How one checkout field was filled: counts and milliseconds only. Never characters, key codes or
 * values. Every count is of input events (one per typed character, one per paste or autofill).
 */
export interface FieldSignals {
  role: FieldRole;
  /** Trusted key presses while the field had focus (any key: letters, Tab, Backspace alike). */
  keys: number;
  /** Insertions that followed a key press in the field: typing. */
  typed: number;
  /** Pastes and drops. */
  pasted: number;
  /** Values the browser's autofill set. */
  autofilled: number;
  /** Trusted insertions with no key press before them (automation inserting text, dictation). */
  injected: number;
  /** Input events dispatched by a script (`isTrusted` false). */
  untrusted: number;
  /** Deletions, cuts and undos: corrections. */
  corrections: number;
  /** Times the field got focus; of those, by the Tab key and by a pointer press. The rest came from a script. */
  focuses: number;
  tabFocuses: number;
  pointerFocuses: number;
  /** Milliseconds with focus, focus to blur, summed. */
  focusMs: number;
}

/** Pointer movement. An approach is the movement between one press and the next. */
export interface PointerSignals {
  /** Trusted mouse or pen moves, and their path length in CSS pixels. */
  moves: number;
  distancePx: number;
  /** Trusted mouse or pen presses; of those, presses with no movement since the previous press or load. */
  clicks: number;
  stillClicks: number;
  /** Touch presses (taps have no approach). */
  taps: number;
  /** Mean moves per approach to a click. */
  approachMoves: number;
  /** Mean straightness of approaches with movement: straight-line distance over path length, 0..1. */
  straightness: number;
  /** Mean speed over approaches with movement, CSS pixels per second. */
  speedPxPerS: number;
}

/** The page as a whole. Times are milliseconds from navigation start. */
export interface PageSignals {
  /** Time on the page when this aggregate was taken. */
  onPageMs: number;
  /** Times the page was hidden (another tab, minimised), and the milliseconds hidden in total. */
  hides: number;
  hiddenMs: number;
  /** The first trusted key or pointer press; absent before one. */
  firstInputMs?: number;
  /** The first form submit; absent before one. */
  submitMs?: number;
  submits: number;
  /** Trusted key presses and pointer presses anywhere on the page. */
  keys: number;
  presses: number;
  /** Key, pointer, click and input events dispatched by a script (`isTrusted` false). */
  untrusted: number;
  /** The referrer's origin, "" without one. */
  referrer: string;
}

/** Traces of automation or of an impossible environment, found in the browser (see docs/signals.md). */
export const AUTOMATION_TRACES = ["framework", "noPlugins", "noLanguages", "uaPlatform", "uaHints", "windowSize"] as const;
export type AutomationTrace = (typeof AUTOMATION_TRACES)[number];

/**
 * What the script learns about the browser it runs in. Every field is optional: a signal that failed is
 * absent. The collector merges each `signals` frame shallowly into the session, so each group (`fields`,
 * `pointer`, `page`, `automation`) is always sent whole.
 */
export interface EnvironmentSignals {
  /** FingerprintJS visitor id. */
  visitorId?: string;
  /** FingerprintJS confidence score, 0..1. */
  visitorConfidence?: number;
  /** Milliseconds from script start to the visitor id. */
  fingerprintMs?: number;
  webdriver?: boolean;
  userAgent?: string;
  platform?: string;
  timezone?: string;
  languages?: string[];
  screen?: { width: number; height: number; pixelRatio: number; colorDepth: number };
  automation?: { traces: AutomationTrace[] };
  /** One entry per checkout field the shopper touched (at most MAX_FIELDS). */
  fields?: FieldSignals[];
  pointer?: PointerSignals;
  page?: PageSignals;
}

/** Browser → collector. */
export type ClientFrame =
  /** Merge these signals into the session's latest aggregate. */
  | { t: "signals"; d: EnvironmentSignals }
  /** Ask for a fresh token (the current one is about to expire). */
  | { t: "token" }
  /** Something failed in the script (a short text, no page data); sent at most a few times per page. */
  | { t: "report"; m: string };

/** Collector → browser. */
export type ServerFrame =
  /** A risk token for the session. `ttlMs` is relative, so client clock skew does not matter. */
  | { t: "token"; sid: string; token: string; ttlMs: number }
  /** The frame was refused; the socket may stay open. */
  | { t: "error"; code: string; message: string };
