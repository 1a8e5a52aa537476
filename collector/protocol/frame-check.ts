/**
 * Checks each decoded client frame against the protocol, by hand: the rules of client-frame.ts's zod
 * schemas, with the same message for the first problem found (`d.page.submits: Too small: expected
 * number to be >=0`), at a small fraction of zod's cost per frame. Nothing is copied: an accepted
 * frame is the decoded value itself. frame-check.test.ts holds the two to the same answers.
 */
import { AUTOMATION_TRACES, FIELD_ROLES, MAX_FIELDS, type ClientFrame, type EnvironmentSignals } from "../../sdk/protocol.js";
import { formatPath } from "../validation.js";

export type FrameCheck = { ok: true; frame: ClientFrame } | { ok: false; message: string };

/** The first problem found, and where: the path is built on the way out, only when something failed. */
interface Problem {
  path: PropertyKey[];
  message: string;
}
type Result = Problem | undefined;

const problem = (message: string): Problem => ({ path: [], message });
const at = (key: PropertyKey, found: Problem): Problem => (found.path.unshift(key), found);

/** How zod names a value it did not expect (its `parsedType`, with NaN and infinities spelled out). */
function typeName(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : Number.isFinite(value) ? "number" : String(value);
  if (typeof value !== "object") return typeof value;
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor = "constructor" in value ? (value as { constructor: unknown }).constructor : undefined;
  if (proto !== Object.prototype && ctor) return (ctor as { name: string }).name;
  return "object";
}

const wrongType = (expected: string, value: unknown): Problem => problem(`Invalid input: expected ${expected}, received ${typeName(value)}`);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function number(value: unknown, min: number, max: number): Result {
  if (typeof value !== "number" || !Number.isFinite(value)) return wrongType("number", value);
  if (value < min) return problem(`Too small: expected number to be >=${min}`);
  if (value > max) return problem(`Too big: expected number to be <=${max}`);
  return undefined;
}

function integer(value: unknown, min: number, max: number): Result {
  if (typeof value !== "number" || !Number.isFinite(value)) return wrongType("number", value);
  if (!Number.isInteger(value)) return wrongType("int", value);
  if (value > Number.MAX_SAFE_INTEGER) return problem(`Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
  if (value < Number.MIN_SAFE_INTEGER) return problem(`Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`);
  return number(value, min, max);
}

function text(value: unknown, maxLength: number): Result {
  if (typeof value !== "string") return wrongType("string", value);
  if (value.length > maxLength) return problem(`Too big: expected string to have <=${maxLength} characters`);
  return undefined;
}

function oneOf(value: unknown, options: ReadonlySet<string>, listed: string): Result {
  return typeof value === "string" && options.has(value) ? undefined : problem(`Invalid option: expected one of ${listed}`);
}

function array(value: unknown, maxItems: number, item: (element: unknown) => Result): Result {
  if (!Array.isArray(value)) return wrongType("array", value);
  if (value.length > maxItems) return problem(`Too big: expected array to have <=${maxItems} items`);
  for (let i = 0; i < value.length; i++) {
    const found = item(value[i]);
    if (found) return at(i, found);
  }
  return undefined;
}

/**
 * The keys of a strict object that its shape does not have, as zod reports them (after the shape's
 * own problems). `definedFields`, the number of the shape's fields the object has defined, makes the
 * usual case cheap: an object with no more keys than that has no other key (its fields checked out,
 * so each is one of its keys: all of a decoded value's properties are its own and enumerable).
 */
function unknownKeys(value: Record<string, unknown>, keys: ReadonlySet<string>, definedFields?: number): Result {
  if (definedFields !== undefined) {
    let count = 0;
    for (const _ in value) count++;
    if (count === definedFields) return undefined;
  }
  let unknown: string[] | undefined;
  for (const key in value) if (!keys.has(key)) (unknown ??= []).push(key);
  if (!unknown) return undefined;
  return problem(`Unrecognized key${unknown.length > 1 ? "s" : ""}: ${unknown.map((key) => `"${key}"`).join(", ")}`);
}

type Check = (value: unknown) => Result;

/*
 * Each object is checked field by field in its schema's order, with a property read per field
 * (`v["keys"]`, a constant name): a generic loop over a list of keys would read through one shared
 * site that sees every shape and every key, which V8 makes several times slower than this.
 */

/** The field's problem, with its key put on the path. */
const inField = (key: string, found: Result): Result => found && at(key, found);
/** An optional field: absent (or undefined) is fine. */
const inOptional = (key: string, value: unknown, check: Check): Result => (value === undefined ? undefined : inField(key, check(value)));

const FIELD_ROLE_SET = new Set<string>(FIELD_ROLES);
const FIELD_ROLES_LISTED = FIELD_ROLES.map((v) => `"${v}"`).join("|");
const TRACE_SET = new Set<string>(AUTOMATION_TRACES);
const TRACES_LISTED = AUTOMATION_TRACES.map((v) => `"${v}"`).join("|");
const VISITOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Counts of events on one page: generous, but a bound. */
const count = (value: unknown): Result => integer(value, 0, 1_000_000);
/** Milliseconds on one page: up to a week. */
const pageMs = (value: unknown): Result => number(value, 0, 7 * 86_400_000);
const dimension = (value: unknown): Result => number(value, 0, 100_000);
const share = (value: unknown): Result => number(value, 0, 1);
const shortText = (value: unknown): Result => text(value, 64);
const userAgent = (value: unknown): Result => text(value, 512);
const fingerprintMs = (value: unknown): Result => number(value, 0, 600_000);
const language = (value: unknown): Result => text(value, 35);
const trace = (value: unknown): Result => oneOf(value, TRACE_SET, TRACES_LISTED);
const visitorId = (value: unknown): Result => text(value, Infinity) ?? (VISITOR_ID.test(value as string) ? undefined : problem(`Invalid string: must match pattern ${VISITOR_ID}`));
const boolean = (value: unknown): Result => (typeof value === "boolean" ? undefined : wrongType("boolean", value));

const FIELD_KEYS = new Set(["role", "keys", "typed", "pasted", "autofilled", "injected", "untrusted", "corrections", "focuses", "tabFocuses", "pointerFocuses", "focusMs"]);
function fieldSignals(v: unknown): Result {
  if (!isRecord(v)) return wrongType("object", v);
  return (
    inField("role", oneOf(v["role"], FIELD_ROLE_SET, FIELD_ROLES_LISTED)) ??
    inField("keys", count(v["keys"])) ??
    inField("typed", count(v["typed"])) ??
    inField("pasted", count(v["pasted"])) ??
    inField("autofilled", count(v["autofilled"])) ??
    inField("injected", count(v["injected"])) ??
    inField("untrusted", count(v["untrusted"])) ??
    inField("corrections", count(v["corrections"])) ??
    inField("focuses", count(v["focuses"])) ??
    inField("tabFocuses", count(v["tabFocuses"])) ??
    inField("pointerFocuses", count(v["pointerFocuses"])) ??
    inField("focusMs", pageMs(v["focusMs"])) ??
    unknownKeys(v, FIELD_KEYS, FIELD_KEYS.size)
  );
}

const POINTER_KEYS = new Set(["moves", "distancePx", "clicks", "stillClicks", "taps", "approachMoves", "straightness", "speedPxPerS"]);
function pointerSignals(v: unknown): Result {
  if (!isRecord(v)) return wrongType("object", v);
  return (
    inField("moves", count(v["moves"])) ??
    inField("distancePx", number(v["distancePx"], 0, 1e9)) ??
    inField("clicks", count(v["clicks"])) ??
    inField("stillClicks", count(v["stillClicks"])) ??
    inField("taps", count(v["taps"])) ??
    inField("approachMoves", number(v["approachMoves"], 0, 1_000_000)) ??
    inField("straightness", share(v["straightness"])) ??
    inField("speedPxPerS", number(v["speedPxPerS"], 0, 1e7)) ??
    unknownKeys(v, POINTER_KEYS, POINTER_KEYS.size)
  );
}

const PAGE_KEYS = new Set(["onPageMs", "hides", "hiddenMs", "firstInputMs", "submitMs", "submits", "keys", "presses", "untrusted", "referrer"]);
function pageSignals(v: unknown): Result {
  if (!isRecord(v)) return wrongType("object", v);
  return (
    inField("onPageMs", pageMs(v["onPageMs"])) ??
    inField("hides", count(v["hides"])) ??
    inField("hiddenMs", pageMs(v["hiddenMs"])) ??
    inOptional("firstInputMs", v["firstInputMs"], pageMs) ??
    inOptional("submitMs", v["submitMs"], pageMs) ??
    inField("submits", count(v["submits"])) ??
    inField("keys", count(v["keys"])) ??
    inField("presses", count(v["presses"])) ??
    inField("untrusted", count(v["untrusted"])) ??
    // An origin (`https://host[:port]`) or "" for none; anything longer is not an origin.
    inField("referrer", text(v["referrer"], 300)) ??
    unknownKeys(v, PAGE_KEYS, PAGE_KEYS.size - +(v["firstInputMs"] === undefined) - +(v["submitMs"] === undefined))
  );
}

const SCREEN_KEYS = new Set(["width", "height", "pixelRatio", "colorDepth"]);
function screen(v: unknown): Result {
  if (!isRecord(v)) return wrongType("object", v);
  return (
    inField("width", dimension(v["width"])) ??
    inField("height", dimension(v["height"])) ??
    inField("pixelRatio", number(v["pixelRatio"], 0, 16)) ??
    inField("colorDepth", integer(v["colorDepth"], 0, 64)) ??
    unknownKeys(v, SCREEN_KEYS, SCREEN_KEYS.size)
  );
}

const AUTOMATION_KEYS = new Set(["traces"]);
function automation(v: unknown): Result {
  if (!isRecord(v)) return wrongType("object", v);
  return inField("traces", array(v["traces"], AUTOMATION_TRACES.length, trace)) ?? unknownKeys(v, AUTOMATION_KEYS, 1);
}

const languages = (value: unknown): Result => array(value, 20, language);
const fields = (value: unknown): Result => array(value, MAX_FIELDS, fieldSignals);

const SIGNALS_KEYS = new Set(["visitorId", "visitorConfidence", "fingerprintMs", "webdriver", "userAgent", "platform", "timezone", "languages", "screen", "automation", "fields", "pointer", "page"]);
function signals(v: unknown): Result {
  if (!isRecord(v)) return wrongType("object", v);
  return (
    inOptional("visitorId", v["visitorId"], visitorId) ??
    inOptional("visitorConfidence", v["visitorConfidence"], share) ??
    inOptional("fingerprintMs", v["fingerprintMs"], fingerprintMs) ??
    inOptional("webdriver", v["webdriver"], boolean) ??
    inOptional("userAgent", v["userAgent"], userAgent) ??
    inOptional("platform", v["platform"], shortText) ??
    inOptional("timezone", v["timezone"], shortText) ??
    inOptional("languages", v["languages"], languages) ??
    inOptional("screen", v["screen"], screen) ??
    inOptional("automation", v["automation"], automation) ??
    inOptional("fields", v["fields"], fields) ??
    inOptional("pointer", v["pointer"], pointerSignals) ??
    inOptional("page", v["page"], pageSignals) ??
    unknownKeys(v, SIGNALS_KEYS)
  );
}

const SIGNALS_FRAME_KEYS = new Set(["t", "d"]);
const TOKEN_FRAME_KEYS = new Set(["t"]);
const REPORT_FRAME_KEYS = new Set(["t", "m"]);

function clientFrame(value: unknown): Result {
  if (!isRecord(value)) return wrongType("object", value);
  switch (value["t"]) {
    case "signals":
      return inField("d", signals(value["d"])) ?? unknownKeys(value, SIGNALS_FRAME_KEYS, 2);
    case "token":
      return unknownKeys(value, TOKEN_FRAME_KEYS, 1);
    case "report":
      return inField("m", text(value["m"], 200)) ?? unknownKeys(value, REPORT_FRAME_KEYS, 2);
    default:
      return at("t", problem("Invalid discriminator value. Expected 'signals' | 'token' | 'report'"));
  }
}

/** Whether `value` is signals as the protocol has them (client-frame.ts's `signalsSchema`). */
export function isSignals(value: unknown): value is EnvironmentSignals {
  return signals(value) === undefined;
}

/** Checks a decoded frame against the protocol; a refusal names the field. */
export function checkClientFrame(value: unknown): FrameCheck {
  const found = clientFrame(value);
  if (!found) return { ok: true, frame: value as ClientFrame };
  const path = formatPath(found.path);
  return { ok: false, message: path ? `${path}: ${found.message}` : found.message };
}
