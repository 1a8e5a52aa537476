/**
 * The stream's hand-written frame check against the protocol's zod schema (client-frame.ts): for
 * every frame, valid, hand-picked hostile or generated, both accept it or both refuse it with the
 * same message, path first.
 */
import fc from "fast-check";
import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { AUTOMATION_TRACES, FIELD_ROLES, type ClientFrame, type FieldSignals, type PageSignals } from "../../sdk/protocol.js";
import { encodedRounds } from "../../bench/stream-frames.js";
import { fuzzParams, fuzzTimeoutMs } from "../../test/fuzz/runs.js";
import { formatPath } from "../validation.js";
import { clientFrameSchema } from "./client-frame.js";
import { decodeFrame } from "./codec.js";
import { checkClientFrame } from "./frame-check.js";

/** What zod says of a frame, in the form the stream sends: `path: message`. */
function zodCheck(value: unknown): { ok: true } | { ok: false; message: string } {
  const result = clientFrameSchema.safeParse(value);
  if (result.success) return { ok: true };
  const issue = result.error.issues[0]!;
  const path = formatPath(issue.path);
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message };
}

/** Both checks' answers when they differ (or the accepted frame is a copy), otherwise undefined. */
function difference(value: unknown): { ours: unknown; zod: unknown } | undefined {
  const check = checkClientFrame(value);
  const zod = zodCheck(value);
  const isSame = check.ok ? zod.ok && check.frame === value : !zod.ok && check.message === zod.message;
  return isSame ? undefined : { ours: check, zod };
}

function expectSameAnswer(value: unknown): void {
  expect(difference(value)).toBeUndefined();
}

const field = (role: string, n = 1): FieldSignals =>
  ({ role, keys: n, typed: n, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, corrections: 0, focuses: 1, tabFocuses: 0, pointerFocuses: 1, focusMs: 1200.5 }) as FieldSignals;
const page: PageSignals = { onPageMs: 9000, hides: 1, hiddenMs: 300, firstInputMs: 1200, submitMs: 8000, submits: 1, keys: 40, presses: 8, untrusted: 0, referrer: "https://www.example.se" };
const pointer = { moves: 40, distancePx: 900.5, clicks: 3, stillClicks: 0, taps: 0, approachMoves: 18.5, straightness: 0.7, speedPxPerS: 410.25 };
const full: ClientFrame = {
  t: "signals",
  d: {
    visitorId: "abcDEF012_-",
    visitorConfidence: 0.5,
    fingerprintMs: 300,
    webdriver: false,
    userAgent: "Mozilla/5.0",
    platform: "Linux x86_64",
    timezone: "Europe/Stockholm",
    languages: ["sv-SE", "en"],
    screen: { width: 1920, height: 1080, pixelRatio: 1.25, colorDepth: 24 },
    automation: { traces: ["noPlugins"] },
    fields: FIELD_ROLES.map((role) => field(role)),
    pointer,
    page,
  },
};

/** `frame` with the value at `path` replaced (or removed, for undefined), copying only along the path; unchanged when the path is no longer there. */
function withValue(frame: unknown, path: PropertyKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  if (typeof frame !== "object" || frame === null) return frame;
  const [key, ...rest] = path as [PropertyKey, ...PropertyKey[]];
  const copy = (Array.isArray(frame) ? [...frame] : { ...frame }) as Record<PropertyKey, unknown>;
  if (rest.length === 0 && value === undefined) delete copy[key];
  else copy[key] = withValue(copy[key], rest, value);
  return copy;
}

/** Every path into `value` that ends at a leaf or an object, e.g. ["d", "fields", 2, "role"]. */
function pathsOf(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, v]) => pathsOf(v, [...prefix, key]))];
}

/** Values of every kind the decoder can produce, and numbers at the edges of each rule. */
const ODD_VALUES: unknown[] = [
  undefined, null, true, false, 0, -0, -1, 0.5, 1, 1.5, 16, 16.01, 24, 64, 65, 100_000, 100_001, 600_001, 1e6, 1e6 + 1, 1e7 + 1, 1e9 + 1,
  7 * 86_400_000 + 1, 2 ** 53, 2 ** 60, -(2 ** 60), Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "", "x", "x".repeat(36),
  "x".repeat(65), "x".repeat(201), "x".repeat(301), "x".repeat(513), "bad id!", "email", "card", "framework", "nope", [], [1], ["sv"],
  Array(21).fill("sv"), Array(31).fill(field("email")), Array(7).fill("framework"), {}, { a: 1 }, new Date(0), Buffer.from("ab"),
  new Uint8Array(2), new Map(), new Set(["x"]), Object.create(null), new Error("x"), /x/,
];

describe("the hand-written frame check", () => {
  it("accepts what the script sends, as zod does, without copying it", () => {
    for (const round of encodedRounds(8, 16)) for (const bytes of round) expectSameAnswer(decodeFrame(bytes));
    for (const frame of [full, { t: "token" }, { t: "report", m: "failed: TypeError: x" }, { t: "signals", d: {} }, { t: "signals", d: { page: { ...page, submitMs: undefined } } }]) {
      expectSameAnswer(frame);
      expect(checkClientFrame(frame).ok).toBe(true);
    }
  });

  it("refuses with zod's message and path: every field of a full frame replaced by every odd value, or removed", () => {
    let refused = 0;
    const differences: unknown[] = [];
    for (const path of pathsOf(full)) {
      for (const value of ODD_VALUES) {
        const frame = withValue(full, path, value);
        const found = difference(frame);
        if (found) differences.push({ path, value, ...found });
        if (!checkClientFrame(frame).ok) refused++;
      }
    }
    expect(differences).toEqual([]);
    expect(refused).toBeGreaterThan(1000);
  });

  it("refuses frames that are not frames, unknown types, extra and unknown keys, as zod does", () => {
    const cases: unknown[] = [
      ...ODD_VALUES,
      { t: 7 },
      { t: "nope" },
      { d: {} },
      { t: "token", extra: true },
      { t: "token", a: 1, b: 2 },
      { t: "report" },
      { t: "report", m: "x".repeat(201), extra: 1 },
      { t: "signals" },
      { t: "signals", d: [] },
      { t: "signals", d: {}, m: "x" },
      { t: "signals", d: { visitorId: 5, nope: 1, other: 2 } },
      { t: "signals", d: { screen: { width: "wide", height: -1, pixelRatio: 1e308, colorDepth: 1.5 } } },
      { t: "signals", d: { languages: Array.from({ length: 2000 }, () => "sv") } },
      { t: "signals", d: { languages: [...Array.from({ length: 30 }, () => "sv"), 5] } },
      { t: "signals", d: { automation: { traces: [...AUTOMATION_TRACES, "framework"] } } },
      { t: "signals", d: { fields: [{ role: "email" }] } },
      { t: "signals", d: { page: { ...page, extra: 1, more: 2 } } },
      JSON.parse('{"t":"signals","d":{"__proto__":{"polluted":1}}}'),
      JSON.parse('{"t":"token","__proto__":{"polluted":1}}'),
      [{ t: "token" }],
      Object.assign(Object.create({ inherited: 1 }), { t: "token" }),
      Object.assign(Object.create(null), { t: "token" }),
      Object.assign(Object.create(null), { t: "signals", d: Object.assign(Object.create(null), { webdriver: "yes" }) }),
    ];
    for (const value of cases) expectSameAnswer(value);
  });

  it("answers as zod does for generated frames, as values and as they come out of msgpack", () => {
    const odd = fc.oneof(fc.constantFrom(...ODD_VALUES), fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: false }), fc.double(), fc.integer(), fc.string({ maxLength: 70 }));
    const paths = pathsOf(full);
    const mutated = fc
      .array(fc.tuple(fc.constantFrom(...paths), odd), { minLength: 1, maxLength: 3 })
      .map((changes) => changes.reduce<unknown>((frame, [path, value]) => withValue(frame, path, value), full));
    const anyFrame = fc.oneof(
      mutated,
      fc.record({ t: fc.oneof(fc.constantFrom("signals", "token", "report"), odd), d: odd, m: odd }, { requiredKeys: [] }),
      fc.anything({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(anyFrame, (value) => {
        expectSameAnswer(value);
        let decoded: unknown;
        try {
          decoded = decodeFrame(pack(value));
        } catch {
          return;
        }
        expectSameAnswer(decoded);
      }),
      fuzzParams(3000),
    );
  }, fuzzTimeoutMs(60_000));
});
