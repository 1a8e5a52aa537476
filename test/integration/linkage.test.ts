import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCollector, type TestCollector } from "../helpers/collector.js";

let collector: TestCollector;
let seq = 0;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector.destroy();
});

function order(fields: Record<string, unknown>) {
  seq += 1;
  return { id: `ord_link_${seq}`, amount: 19900, currency: "SEK", ...fields };
}

const assess = async (fields: Record<string, unknown>) => (await collector.api("POST", "/v1/assess", { order: order(fields) })).body;
const ruleOf = (answer: { reasons: { rule: string; severity: string; detail: string }[] }, rule: string) => answer.reasons.find((r) => r.rule === rule);

describe("graylist one hop away", () => {
  it("flags an attempt that shares an identifier with an attempt that shares one with a fraud", async () => {
    const fraud = await assess({ email: "mule@example.com", phone: "+46701112233" });
    const accomplice = await assess({ email: "helper@example.com", phone: "+46701112233" });
    await collector.api("POST", "/v1/labels", { attempt: fraud.id, label: "fraud" });

    const direct = await assess({ email: "someone@example.com", phone: "+46701112233" });
    expect(ruleOf(direct, "graylist")).toMatchObject({ severity: "high" });

    const hop = await assess({ email: "helper@example.com", phone: "+46709998877" });
    const reason = ruleOf(hop, "graylist");
    expect(reason?.severity).toBe("medium");
    expect(reason?.detail).toContain(accomplice.id);
    expect(reason?.detail).toContain(fraud.id);

    const stranger = await assess({ email: "stranger@example.com", phone: "+46705554433" });
    expect(ruleOf(stranger, "graylist")).toBeUndefined();
  });

  it("lowers graylist matches for a customer whose orders were labelled legit, and a relabel replaces the lists", async () => {
    const fraud = await assess({ email: "ring@example.com", phone: "+46702223344" });
    await collector.api("POST", "/v1/labels", { attempt: fraud.id, label: "fraud" });
    const good = await assess({ email: "loyal@example.com", customer: { id: "c_loyal" } });
    await collector.api("POST", "/v1/labels", { attempt: good.id, label: "legit" });

    const loyalSharesPhone = await assess({ email: "loyal@example.com", customer: { id: "c_loyal" }, phone: "+46702223344" });
    expect(ruleOf(loyalSharesPhone, "graylist")?.severity).toBe("medium");

    await collector.api("POST", "/v1/labels", { attempt: fraud.id, label: "legit", reason: "the chargeback was withdrawn" });
    const afterRelabel = await assess({ email: "new@example.com", phone: "+46702223344" });
    expect(ruleOf(afterRelabel, "graylist")).toBeUndefined();
  });
});

describe("GET /v1/attempts/:id", () => {
  it("lists the linked prior attempts with the identifiers that link them, newest first", async () => {
    const first = await assess({ email: "linked@example.com", shipping: { line1: "Linkgatan 1", postalCode: "12345", country: "SE" } });
    const second = await assess({ email: "other@example.com", shipping: { line1: "Linkgatan 1", postalCode: "12345", country: "SE" } });
    const third = await assess({ email: "linked@example.com", shipping: { line1: "Linkgatan 1", postalCode: "12345", country: "SE" } });
    const stored = (await collector.api("GET", `/v1/attempts/${third.id}`)).body;
    expect(stored.links.map((l: { attempt: string }) => l.attempt)).toEqual([second.id, first.id]);
    expect(stored.links[0].via).toEqual(["address"]);
    expect([...stored.links[1].via].sort()).toEqual(["address", "email"]);
    expect(Date.parse(stored.links[0].at)).toBeGreaterThan(0);
  });
});
