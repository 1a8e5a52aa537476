import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../store/types.js";
import { distinctWithin } from "./history.js";
import type { RuleContext } from "./types.js";

const NOW_MS = Date.UTC(2026, 10, 20, 12);

function context(own: string | undefined, names: (string | undefined)[], ageMs = 60_000): RuleContext {
  const entries: HistoryEntry[] = names.map((name, i) => ({ attemptId: `a${i}`, siteKey: "pk_test_demo", tsMs: NOW_MS - (i + 1) * ageMs, ids: name === undefined ? {} : { name } }));
  const ids = own === undefined ? { address: "addr" } : { address: "addr", name: own };
  return { nowMs: NOW_MS, siteKey: "pk_test_demo", order: { id: "ord_1" }, ids, history: { address: entries }, graylist: {}, tokenStatus: "valid", signals: undefined };
}

describe("distinctWithin", () => {
  it("counts this attempt's value and the earlier ones' distinct values", () => {
    expect(distinctWithin(context("n1", []), "address", "name", 3_600_000)).toBe(1);
    expect(distinctWithin(context(undefined, []), "address", "name", 3_600_000)).toBe(0);
    expect(distinctWithin(context("n1", ["n1", "n1", undefined]), "address", "name", 3_600_000)).toBe(1);
    expect(distinctWithin(context(undefined, [undefined, "n2", "n2"]), "address", "name", 3_600_000)).toBe(1);
    expect(distinctWithin(context(undefined, [undefined, "n2", "n3", "n2"]), "address", "name", 3_600_000)).toBe(2);
    expect(distinctWithin(context("n1", ["n2", "n1", "n3", "n2", "n1"]), "address", "name", 3_600_000)).toBe(3);
  });

  it("stops at the first entry older than the window", () => {
    expect(distinctWithin(context("n1", ["n2", "n3", "n4"], 1_000_000), "address", "name", 2_500_000)).toBe(3);
  });
});
