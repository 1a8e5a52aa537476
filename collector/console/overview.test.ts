import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../store/types.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { computeOverview, quantile } from "./overview.js";

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
let seq = 0;

function attempt(fields: { tsMs: number; site?: string; decision?: AttemptRecord["answer"]["decision"]; ms?: number; hit?: boolean; status?: "ok" | "timeout" | "error"; shadow?: AttemptRecord["answer"]["decision"] }): AttemptRecord {
  seq += 1;
  const id = `att_${fields.tsMs.toString(36).padStart(9, "0")}${String(seq).padStart(6, "0")}`;
  const decision = fields.decision ?? "allow";
  return {
    id,
    orderId: `ord_${seq}`,
    siteKey: fields.site ?? "pk_a",
    tsMs: fields.tsMs,
    ids: {},
    answer: {
      id,
      orderId: `ord_${seq}`,
      decision,
      score: 0,
      token: { status: "valid" },
      reasons: [],
      matrix: [
        { rule: "device_velocity", severity: fields.hit ? "high" : "none", ms: fields.ms ?? 1, status: fields.status ?? "ok" },
        { rule: "token", severity: "none", ms: 0.1, status: "ok" },
      ],
      device: null,
      shadow: fields.shadow ? [{ ruleset: "strict", decision: fields.shadow }] : [],
    },
  };
}

describe("console overview", () => {
  it("counts decisions per day per site, rule hit rates, timings and budget misses, and shadow disagreement", async () => {
    const store = new MemoryStore();
    const records = [
      attempt({ tsMs: NOW - 1000, decision: "review", hit: true, ms: 5, shadow: "deny" }),
      attempt({ tsMs: NOW - 2000, decision: "allow", ms: 1, shadow: "allow" }),
      attempt({ tsMs: NOW - DAY_MS, decision: "deny", hit: true, ms: 30, status: "timeout" }),
      attempt({ tsMs: NOW - DAY_MS, site: "pk_b", decision: "challenge", ms: 2 }),
      attempt({ tsMs: NOW - 20 * DAY_MS, decision: "deny" }),
    ];
    for (const record of records) await store.recordAttempt(record);
    const overview = await computeOverview(store, { nowMs: NOW, days: 14, perDayCap: 100 });

    expect(overview.days).toHaveLength(14);
    expect(overview.days.at(-1)).toBe("2026-11-21");
    expect(overview.attempts).toBe(4);
    expect(overview.cappedDays).toEqual([]);
    const siteA = overview.decisions.find((d) => d.site === "pk_a")!;
    expect(siteA.days.at(-1)).toEqual({ allow: 1, challenge: 0, review: 1, deny: 0 });
    expect(siteA.days.at(-2)).toEqual({ allow: 0, challenge: 0, review: 0, deny: 1 });
    expect(overview.decisions.find((d) => d.site === "pk_b")!.days.at(-2)).toEqual({ allow: 0, challenge: 1, review: 0, deny: 0 });

    const velocity = overview.rules.find((r) => r.rule === "device_velocity")!;
    expect(velocity).toEqual({ rule: "device_velocity", runs: 4, hits: 2, p50Ms: 2, p99Ms: 30, timeouts: 1, errors: 0 });
    expect(overview.rules[0]!.rule).toBe("device_velocity");
    expect(overview.shadow).toEqual([{ site: "pk_a", ruleset: "strict", attempts: 2, disagree: 1, changes: { "review->deny": 1 } }]);
  });

  it("reads at most the per-day cap and names the days it cut", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) await store.recordAttempt(attempt({ tsMs: NOW - DAY_MS - i * 1000 }));
    await store.recordAttempt(attempt({ tsMs: NOW - 1000 }));
    const overview = await computeOverview(store, { nowMs: NOW, days: 3, perDayCap: 3 });
    expect(overview.attempts).toBe(4);
    expect(overview.cappedDays).toEqual(["2026-11-20"]);
    expect(overview.perDayCap).toBe(3);
  });

  it("takes nearest-rank quantiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBe(0);
  });
});
