import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.js";

const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);

describe("the assess metrics", () => {
  it("count every answer in the duration and only recorded attempts in the recording time", async () => {
    const metrics = new Metrics();
    metrics.observeAssess("pk_a", "allow", [], 0.004, 0.003);
    metrics.observeAssess("pk_a", "review", [], 0.02); // the store unreachable: a fallback answer, not recorded
    const text = await metrics.text();
    expect(value(text, "vakt_assess_duration_seconds_count")).toBe(2);
    expect(value(text, "vakt_assess_duration_seconds_sum")).toBeCloseTo(0.024, 9);
    expect(value(text, "vakt_assess_record_seconds_count")).toBe(1);
    expect(value(text, "vakt_assess_record_seconds_sum")).toBeCloseTo(0.003, 9);
    expect(text).toMatch(/^vakt_assess_record_seconds_bucket\{le="0.0025"\} 0$/m);
    expect(text).toMatch(/^vakt_assess_record_seconds_bucket\{le="0.005"\} 1$/m);
    expect(text).toMatch(/^vakt_decisions_total\{site="pk_a",decision="review"\} 1$/m);
  });
});
