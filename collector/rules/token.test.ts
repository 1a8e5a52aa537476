import { describe, expect, it } from "vitest";
import type { TokenStatus } from "../token.js";
import { token } from "./token.js";
import type { RuleContext } from "./types.js";

function context(tokenStatus: TokenStatus): RuleContext {
  return { nowMs: Date.UTC(2026, 10, 20, 12), siteKey: "pk_test_demo", order: { id: "ord_1" }, ids: {}, history: {}, graylist: {}, tokenStatus, signals: undefined };
}

const params = (raw: unknown) => token.params.parse(raw) as Parameters<typeof token.evaluate>[1];
const DEFAULTS = params({});

describe("token rule", () => {
  it("finds nothing for a valid token", async () => {
    expect(await token.evaluate(context("valid"), DEFAULTS)).toEqual({ severity: "none" });
  });

  it.each<[TokenStatus, string, RegExp]>([
    ["missing", "medium", /without a risk token/],
    ["invalid", "high", /not one this collector signed/],
    ["expired", "low", /expired/],
    ["reused", "high", /already used for another order/],
    ["wrong_site", "high", /issued for another site/],
  ])("reports a %s token as %s by default, saying what is wrong", async (status, severity, detail) => {
    const outcome = await token.evaluate(context(status), DEFAULTS);
    expect(outcome.severity).toBe(severity);
    expect(outcome.detail).toMatch(detail);
  });

  it("uses the configured severity per status", async () => {
    const p = params({ missing: "none", expired: "medium", invalid: "low" });
    expect((await token.evaluate(context("missing"), p)).severity).toBe("none");
    expect((await token.evaluate(context("expired"), p)).severity).toBe("medium");
    expect((await token.evaluate(context("invalid"), p)).severity).toBe("low");
    expect((await token.evaluate(context("reused"), p)).severity).toBe("high");
  });

  it("refuses an unknown status or severity in its params", () => {
    expect(token.params.safeParse({ stolen: "high" }).success).toBe(false);
    expect(token.params.safeParse({ missing: "critical" }).success).toBe(false);
  });
});
