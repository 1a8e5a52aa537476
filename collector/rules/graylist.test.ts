import { describe, expect, it } from "vitest";
import { RULE_NOW, ruleContext } from "../../test/helpers/rule-context.js";
import type { GraylistEntry } from "../store/types.js";
import type { IdentifierKind } from "../identity/normalise.js";
import { graylist } from "./graylist.js";

const NOW = RULE_NOW;

const context = ruleContext;

const listed = (kind: IdentifierKind, attemptId: string): GraylistEntry => ({ list: "fraud", kind, hash: `${kind}_hash`, attemptId, atMs: NOW - 86_400_000 });

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

describe("graylist weighting", () => {
  const hop = { linkedAttemptId: "att_linked", via: "phone" as const, fraudAttemptId: "att_fraud_9" };

  it("weighs weak identifiers lower: an IP or a name alone is low, a network is ignored", async () => {
    const ipOnly = context({ ids: { ip: "ip_A" }, graylist: { ip: listed("ip", "att_fraud_1") } });
    expect((await graylist.evaluate(ipOnly, DEFAULTS)).severity).toBe("low");
    const netOnly = context({ ids: { ip_net: "n_A" }, graylist: { ip_net: listed("ip_net", "att_fraud_1") } });
    expect(await graylist.evaluate(netOnly, DEFAULTS)).toEqual({ severity: "none" });
    const withPhone = context({ ids: { ip: "ip_A", phone: "ph_A" }, graylist: { ip: listed("ip", "att_fraud_1"), phone: listed("phone", "att_fraud_1") } });
    expect((await graylist.evaluate(withPhone, DEFAULTS)).severity).toBe("high");
  });

  it("gives a one-hop link its own severity and names the chain", async () => {
    const ctx = context({ ids: { email: "em_A" }, graylistHops: { email: hop } });
    expect(await graylist.evaluate(ctx, DEFAULTS)).toEqual({
      severity: "medium",
      detail: "email is shared with att_linked, whose phone was used in confirmed fraud att_fraud_9",
    });
    expect(await graylist.evaluate(ctx, params({ hopSeverity: "none" }))).toEqual({ severity: "none" });
  });

  it("lowers matches by one level for a customer with legit orders", async () => {
    const direct = context({ ids: { phone: "ph_A" }, graylist: { phone: listed("phone", "att_fraud_1") }, isTrusted: true });
    const outcome = await graylist.evaluate(direct, DEFAULTS);
    expect(outcome.severity).toBe("medium");
    expect(outcome.detail).toMatch(/labelled legit/);
    const hopOnly = context({ ids: { email: "em_A" }, graylistHops: { email: hop }, isTrusted: true });
    expect((await graylist.evaluate(hopOnly, DEFAULTS)).severity).toBe("low");
    expect((await graylist.evaluate(direct, params({ trustedLowersBy: 0 }))).severity).toBe("high");
  });
});
