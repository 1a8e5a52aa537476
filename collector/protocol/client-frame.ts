/**
 * The client frames of sdk/protocol.ts as zod schemas: what a backtest's input file may carry as an
 * attempt's signals, and the reference that frame-check.ts, the stream's own hand-written check of
 * each frame, is tested against (frame-check.test.ts).
 */
import { z } from "zod";
import { AUTOMATION_TRACES, FIELD_ROLES, MAX_FIELDS, type ClientFrame, type EnvironmentSignals } from "../../sdk/protocol.js";

const boundedText = (max: number) => z.string().max(max);
const dimension = z.number().min(0).max(100_000);
/** Counts of events on one page: generous, but a bound. */
const count = z.int().min(0).max(1_000_000);
/** Milliseconds on one page: up to a week. */
const pageMs = z.number().min(0).max(7 * 86_400_000);

const fieldSchema = z.strictObject({
  role: z.enum(FIELD_ROLES),
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

const pointerSchema = z.strictObject({
  moves: count,
  distancePx: z.number().min(0).max(1e9),
  clicks: count,
  stillClicks: count,
  taps: count,
  approachMoves: z.number().min(0).max(1_000_000),
  straightness: z.number().min(0).max(1),
  speedPxPerS: z.number().min(0).max(1e7),
});

const pageSchema = z.strictObject({
  onPageMs: pageMs,
  hides: count,
  hiddenMs: pageMs,
  firstInputMs: pageMs.optional(),
  submitMs: pageMs.optional(),
  submits: count,
  keys: count,
  presses: count,
  untrusted: count,
  /** An origin (`https://host[:port]`) or "" for none; anything longer is not an origin. */
  referrer: boundedText(300),
});

export const signalsSchema = z.strictObject({
  visitorId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  visitorConfidence: z.number().min(0).max(1).optional(),
  fingerprintMs: z.number().min(0).max(600_000).optional(),
  webdriver: z.boolean().optional(),
  userAgent: boundedText(512).optional(),
  platform: boundedText(64).optional(),
  timezone: boundedText(64).optional(),
  languages: z.array(boundedText(35)).max(20).optional(),
  screen: z
    .strictObject({ width: dimension, height: dimension, pixelRatio: z.number().min(0).max(16), colorDepth: z.number().int().min(0).max(64) })
    .optional(),
  automation: z.strictObject({ traces: z.array(z.enum(AUTOMATION_TRACES)).max(AUTOMATION_TRACES.length) }).optional(),
  fields: z.array(fieldSchema).max(MAX_FIELDS).optional(),
  pointer: pointerSchema.optional(),
  page: pageSchema.optional(),
}) satisfies z.ZodType<EnvironmentSignals>;

export const clientFrameSchema = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("signals"), d: signalsSchema }),
  z.strictObject({ t: z.literal("token") }),
  z.strictObject({ t: z.literal("report"), m: boundedText(200) }),
]) satisfies z.ZodType<ClientFrame>;
