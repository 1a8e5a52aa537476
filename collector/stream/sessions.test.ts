import { describe, expect, it } from "vitest";
import type { PageSignals } from "../../sdk/protocol.js";
import type { SessionRecord } from "../store/types.js";
import { applyFrame, ReportLog } from "./sessions.js";

const page = (submits: number): PageSignals => ({ onPageMs: 5000, hides: 0, hiddenMs: 0, submits, keys: 10, presses: 2, untrusted: 0, referrer: "" });
const session = (): SessionRecord => ({ id: "ses_test0000000", siteKey: "pk_test", createdAtMs: 0, updatedAtMs: 0, signals: {} });
const reports = new ReportLog(() => {});

describe("applyFrame", () => {
  it("merges each signals group over the one before, and says when the page's form was just submitted", () => {
    const s = session();
    expect(applyFrame(s, { t: "signals", d: { webdriver: false, page: page(0) } }, reports)).toEqual({ kind: "signals", hasSubmit: false });
    expect(applyFrame(s, { t: "signals", d: { page: page(1) } }, reports)).toEqual({ kind: "signals", hasSubmit: true });
    expect(applyFrame(s, { t: "signals", d: { page: page(1) } }, reports)).toEqual({ kind: "signals", hasSubmit: false });
    expect(applyFrame(s, { t: "signals", d: { fingerprintMs: 5 } }, reports)).toEqual({ kind: "signals", hasSubmit: false });
    expect(applyFrame(s, { t: "signals", d: { page: page(2) } }, reports)).toEqual({ kind: "signals", hasSubmit: true });
    expect(s.signals).toEqual({ webdriver: false, fingerprintMs: 5, page: page(2) });
  });

  it("hands back a token request and refuses a bad frame with its path, leaving the session as it was", () => {
    const s = session();
    expect(applyFrame(s, { t: "token" }, reports)).toEqual({ kind: "token" });
    expect(applyFrame(s, { t: "signals", d: { page: { ...page(1), submits: -1 } } }, reports)).toEqual({
      kind: "refused",
      frame: { t: "error", code: "invalid_frame", message: expect.stringMatching(/^d\.page\.submits: /) },
    });
    expect(s.signals).toEqual({});
  });
});
