/**
 * The stream's decoder and frame check against random input, in-process and fast: decoding either
 * fails (the transports catch that and answer `malformed_frame`) or yields a value, and applying any
 * decoded value to a session never throws and never changes it unless the frame is valid.
 */
import fc from "fast-check";
import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../collector/protocol/codec.js";
import { applyFrame, ReportLog } from "../../collector/stream/sessions.js";
import type { SessionRecord } from "../../collector/store/types.js";
import { fuzzParams, fuzzTimeoutMs } from "./runs.js";

const session = (): SessionRecord => ({ id: "ses_fuzz", siteKey: "pk_test", createdAtMs: 0, updatedAtMs: 0, signals: {} });
const reports = new ReportLog(() => {});

function decodeOrUndefined(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: decodeFrame(bytes) };
  } catch {
    return undefined;
  }
}

describe("stream frames from random input", () => {
  it("random bytes decode or fail cleanly, and whatever decodes is applied without throwing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const decoded = decodeOrUndefined(bytes);
        if (!decoded) return;
        const target = session();
        const outcome = applyFrame(target, decoded.value, reports);
        if (outcome.kind === "refused") expect(target).toEqual(session());
      }),
      fuzzParams(4000),
    );
  }, fuzzTimeoutMs(60_000));

  it("random msgpack values shaped like frames are refused, or accepted only as the protocol allows", () => {
    const frame = fc.record(
      { t: fc.oneof(fc.constantFrom("signals", "token", "report"), fc.jsonValue({ maxDepth: 1 })), d: fc.object({ maxDepth: 2, maxKeys: 4 }), m: fc.jsonValue({ maxDepth: 2 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(frame, (value) => {
        const decoded = decodeOrUndefined(pack(value));
        if (!decoded) return;
        const target = session();
        const outcome = applyFrame(target, decoded.value, reports);
        expect(["signals", "token", "done", "refused"]).toContain(outcome.kind);
        if (outcome.kind === "refused") expect(target).toEqual(session());
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      fuzzParams(800),
    );
  }, fuzzTimeoutMs(60_000));
});
