import { describe, expect, it } from "vitest";
import type { GraylistEntry } from "../store/types.js";
import type { IdentifierKind } from "../identity/normalise.js";
import { graylist } from "./graylist.js";
import type { RuleContext } from "./types.js";

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function context(overrides: Partial<RuleContext> = {}): RuleContext {
  return { nowMs: NOW, siteKey: "pk_test_demo", order: { id: "ord_1" }, ids: {}, history: {}, graylist: {}, tokenStatus: "valid", signals: undefined, ...overrides };
}

const listed = (kind: IdentifierKind, attemptId: string): GraylistEntry => ({ kind, hash: `${kind}_hash`, attemptId, atMs: NOW - 86_400_000 });

const params = (raw: unknown) => graylist.params.parse(raw) as Parameters<typeof graylist.evaluate>[1];
const DEFAULTS = params({});

describe("graylist", () => {
  it("finds nothing when no identifier of the attempt is graylisted", async () => {
    const ctx = context({ ids: { device: "dev_A", email: "em_A", phone: "ph_A" } });
    expect(await graylist.evaluate(ctx, DEFAULTS)).toEqual({ severity: "none" });
  });

  it("is high by default for one graylisted identifier, naming it and the fraud it came from", async () => {
    const ctx = context({ ids: { phone: "ph_A", email: "em_A" }, graylist: { phone: listed("phone", "att_fraud_1") } });
    expect(await graylist.evaluate(ctx, DEFAULTS)).toEqual({ severity: "high", detail: "phone was used in confirmed fraud att_fraud_1" });
  });

  it("names every graylisted identifier", async () => {
    const ctx = context({
      ids: { device: "dev_A", address: "ad_A" },
      graylist: { device: listed("device", "att_fraud_1"), address: listed("address", "att_fraud_2") },
    });
    const outcome = await graylist.evaluate(ctx, DEFAULTS);
    expect(outcome.severity).toBe("high");
    expect(outcome.detail).toContain("device was used in confirmed fraud att_fraud_1");
    expect(outcome.detail).toContain("address was used in confirmed fraud att_fraud_2");
  });

  it("uses the configured severity, which cannot be none", async () => {
    const ctx = context({ ids: { email: "em_A" }, graylist: { email: listed("email", "att_fraud_1") } });
    expect((await graylist.evaluate(ctx, params({ severity: "medium" }))).severity).toBe("medium");
    expect(graylist.params.safeParse({ severity: "none" }).success).toBe(false);
    expect(graylist.params.safeParse({ severity: "critical" }).success).toBe(false);
  });
});
