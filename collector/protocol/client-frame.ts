import { z } from "zod";
import type { ClientFrame, EnvironmentSignals } from "../../sdk/protocol.js";
import { formatPath } from "../validation.js";

const boundedText = (max: number) => z.string().max(max);
const dimension = z.number().min(0).max(100_000);

const signalsSchema = z.strictObject({
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
}) satisfies z.ZodType<EnvironmentSignals>;

const clientFrameSchema = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("signals"), d: signalsSchema }),
  z.strictObject({ t: z.literal("token") }),
]);

export type FrameCheck = { ok: true; frame: ClientFrame } | { ok: false; message: string };

/** Checks a decoded frame against the protocol; a refusal names the field. */
export function checkClientFrame(value: unknown): FrameCheck {
  const result = clientFrameSchema.safeParse(value);
  if (result.success) return { ok: true, frame: result.data as ClientFrame };
  const issue = result.error.issues[0]!;
  const path = formatPath(issue.path);
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message };
}
