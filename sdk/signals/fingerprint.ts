import { load } from "@fingerprintjs/fingerprintjs";
import type { EnvironmentSignals } from "../protocol.js";

export type FingerprintSignals = Required<Pick<EnvironmentSignals, "visitorId" | "visitorConfidence" | "fingerprintMs">>;

/**
 * FingerprintJS's visitor id and confidence, and the milliseconds from `startedAtMs` (the script's
 * start) to the id. `monitoring: false`: FingerprintJS must not call home.
 */
export async function getFingerprint(startedAtMs: number = Date.now()): Promise<FingerprintSignals> {
  const agent = await load({ monitoring: false });
  const result = await agent.get();
  return {
    visitorId: result.visitorId,
    visitorConfidence: result.confidence.score,
    fingerprintMs: Math.round(Date.now() - startedAtMs),
  };
}
