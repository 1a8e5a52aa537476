/**
 * Checks each decoded client frame against the protocol, by hand: the rules of client-frame.ts's zod
 * schemas, with the same message for the first problem found (`d.page.submits: Too small: expected
 * number to be >=0`), at a small fraction of zod's cost per frame. Nothing is copied: an accepted
 * frame is the decoded value itself. frame-check.test.ts holds the two to the same answers.
 */
import { AUTOMATION_TRACES, FIELD_ROLES, MAX_FIELDS, type ClientFrame } from "../../sdk/protocol.js";
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

/** The keys of a strict object that its shape does not have, as zod reports them (after the shape's own problems). */
function unknownKeys(value: Record<string, unknown>, keys: ReadonlySet<string>): Result {
  let unknown: string[] | undefined;
  for (const key in value) if (!keys.has(key)) (unknown ??= []).push(key);
  if (!unknown) return undefined;
  return problem(`Unrecognized key${unknown.length > 1 ? "s" : ""}: ${unknown.map((key) => `"${key}"`).join(", ")}`);
}

type Check = (value: unknown) => Result;
interface Field {
  key: string;
  check: Check;
  isOptional: boolean;
}

/** A strict object: each field in the shape's order, then keys the shape does not have. */
function strictObject(shape: Record<string, Check | { optional: Check }>): Check {
  const fields: Field[] = Object.entries(shape).map(([key, check]) =>
    typeof check === "function" ? { key, check, isOptional: false } : { key, check: check.optional, isOptional: true },
  );
  const keys = new Set(Object.keys(shape));
  return (value) => {
    if (!isRecord(value)) return wrongType("object", value);
    for (let i = 0; i < fields.length; i++) {
      const { key, check, isOptional } = fields[i]!;
      const fieldValue = value[key];
      if (isOptional && fieldValue === undefined) continue;
      const found = check(fieldValue);
      if (found) return at(key, found);
    }
    return unknownKeys(value, keys);
  };
}

const optional = (check: Check) => ({ optional: check });
const numberIn = (min: number, max: number): Check => (value) => number(value, min, max);
const integerIn = (min: number, max: number): Check => (value) => integer(value, min, max);
const textUpTo = (maxLength: number): Check => (value) => text(value, maxLength);
const arrayOf = (maxItems: number, item: Check): Check => (value) => array(value, maxItems, item);
const oneOfThese = (values: readonly string[]): Check => {
  const options = new Set(values);
  const listed = values.map((v) => `"${v}"`).join("|");
  return (value) => oneOf(value, options, listed);
};

/** Counts of events on one page: generous, but a bound. */
const count = integerIn(0, 1_000_000);
/** Milliseconds on one page: up to a week. */
const pageMs = numberIn(0, 7 * 86_400_000);
const dimension = numberIn(0, 100_000);
const VISITOR_ID = /^[A-Za-z0-9_-]{1,64}$/;
const visitorId: Check = (value) => text(value, Infinity) ?? (VISITOR_ID.test(value as string) ? undefined : problem(`Invalid string: must match pattern ${VISITOR_ID}`));
const boolean: Check = (value) => (typeof value === "boolean" ? undefined : wrongType("boolean", value));

const fieldSignals = strictObject({
  role: oneOfThese(FIELD_ROLES),
  keys: count,
  typed: count,
  pasted: count,
  autofilled: count,
  injected: count,
  untrusted: count,
  corrections: count,
  focuses: count,
  tabFocuses: count,
  pointerFocuses: count,
  focusMs: pageMs,
});

const pointerSignals = strictObject({
  moves: count,
  distancePx: numberIn(0, 1e9),
  clicks: count,
  stillClicks: count,
  taps: count,
  approachMoves: numberIn(0, 1_000_000),
  straightness: numberIn(0, 1),
  speedPxPerS: numberIn(0, 1e7),
});

const pageSignals = strictObject({
  onPageMs: pageMs,
  hides: count,
  hiddenMs: pageMs,
  firstInputMs: optional(pageMs),
  submitMs: optional(pageMs),
  submits: count,
  keys: count,
  presses: count,
  untrusted: count,
  /** An origin (`https://host[:port]`) or "" for none; anything longer is not an origin. */
  referrer: textUpTo(300),
});

const signals = strictObject({
  visitorId: optional(visitorId),
  visitorConfidence: optional(numberIn(0, 1)),
  fingerprintMs: optional(numberIn(0, 600_000)),
  webdriver: optional(boolean),
  userAgent: optional(textUpTo(512)),
  platform: optional(textUpTo(64)),
  timezone: optional(textUpTo(64)),
  languages: optional(arrayOf(20, textUpTo(35))),
  screen: optional(strictObject({ width: dimension, height: dimension, pixelRatio: numberIn(0, 16), colorDepth: integerIn(0, 64) })),
  automation: optional(strictObject({ traces: arrayOf(AUTOMATION_TRACES.length, oneOfThese(AUTOMATION_TRACES)) })),
  fields: optional(arrayOf(MAX_FIELDS, fieldSignals)),
  pointer: optional(pointerSignals),
  page: optional(pageSignals),
});

const signalsFrame = strictObject({ t: () => undefined, d: signals });
const reportFrame = strictObject({ t: () => undefined, m: textUpTo(200) });
const TOKEN_FRAME_KEYS = new Set(["t"]);

function clientFrame(value: unknown): Result {
  if (!isRecord(value)) return wrongType("object", value);
  switch (value.t) {
    case "signals":
      return signalsFrame(value);
    case "token":
      return unknownKeys(value, TOKEN_FRAME_KEYS);
    case "report":
      return reportFrame(value);
    default:
      return at("t", problem("Invalid discriminator value. Expected 'signals' | 'token' | 'report'"));
  }
}

/** Checks a decoded frame against the protocol; a refusal names the field. */
export function checkClientFrame(value: unknown): FrameCheck {
  const found = clientFrame(value);
  if (!found) return { ok: true, frame: value as ClientFrame };
  const path = formatPath(found.path);
  return { ok: false, message: path ? `${path}: ${found.message}` : found.message };
}
