import { describe, expect, it } from "vitest";
import { startTestCollector } from "../helpers/collector.js";

describe("the first attempt after a start", () => {
  it("runs every rule within its time budget: rules load their data before the collector serves", async () => {
    const collector = await startTestCollector();
    try {
      const answer = await collector.api("POST", "/v1/assess", {
        order: { id: "ord_first", email: "someone@mailinator.com", phone: "+46701234567", shipping: { line1: "Storgatan 1", postalCode: "11122", country: "SE" } },
      });
      expect(answer.status).toBe(200);
      const notOk = answer.body.matrix.filter((row: { status: string }) => row.status !== "ok");
      expect(notOk).toEqual([]);
      expect(answer.body.reasons).toContainEqual(expect.objectContaining({ rule: "disposable_email" }));
    } finally {
      await collector.destroy();
    }
  });
});
