import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory/memory-store.js";
import type { AttemptRecord } from "../store/types.js";
import { listQueue, maskHash, MAX_SCANNED } from "./reviews.js";

const HOUR_MS = 3_600_000;
const NOW = Date.UTC(2026, 10, 21, 12);
let seq = 0;

function review(tsMs: number, rule = "graylist", site = "pk_a"): AttemptRecord {
  seq += 1;
  const id = `att_${tsMs.toString(36).padStart(9, "0")}${String(seq).padStart(8, "0")}`;
  return {
    id,
    orderId: `ord_${seq}`,
    siteKey: site,
    tsMs,
    ids: {},
    review: { status: "open", atMs: tsMs },
    answer: { id, orderId: `ord_${seq}`, decision: "review", score: 3, token: { status: "valid" }, reasons: [{ rule, severity: "high", detail: "" }], matrix: [], device: null, shadow: [] },
  };
}

describe("review queue", () => {
  it("filters by rule and age, newest first", async () => {
    const store = new MemoryStore();
    const old = review(NOW - 30 * HOUR_MS, "address_names");
    const mid = review(NOW - 5 * HOUR_MS);
    const recent = review(NOW - HOUR_MS / 2);
    for (const r of [old, mid, recent]) await store.recordAttempt(r);
    const ids = async (filter: Record<string, unknown>) => (await listQueue(store, { limit: 10, ...filter }, NOW)).items.map((i) => i.id);
    expect(await ids({})).toEqual([recent.id, mid.id, old.id]);
    expect(await ids({ rule: "address_names" })).toEqual([old.id]);
    expect(await ids({ maxAgeHours: 6 })).toEqual([recent.id, mid.id]);
    expect(await ids({ minAgeHours: 24 })).toEqual([old.id]);
    expect(await ids({ minAgeHours: 1, maxAgeHours: 24 })).toEqual([mid.id]);
  });

  it("stops a scan that finds nothing at its bound and says where to go on", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < MAX_SCANNED + 10; i++) await store.recordAttempt(review(NOW - i * 1000));
    const page = await listQueue(store, { limit: 10, rule: "automation" }, NOW);
    expect(page.items).toEqual([]);
    expect(page.isScanBounded).toBe(true);
    const rest = await listQueue(store, { limit: 10, rule: "automation", before: page.next! }, NOW);
    expect(rest).toEqual({ items: [], next: null, isScanBounded: false });
  });

  it("masks a hash to a short fragment", () => {
    expect(maskHash("abcdef0123456789")).toBe("••••abcdef");
  });
});
