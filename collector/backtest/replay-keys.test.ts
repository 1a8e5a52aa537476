import { describe, expect, it } from "vitest";
import { ReplayKeys } from "./replay-keys.js";

describe("ReplayKeys", () => {
  it("gives equal values of a kind one key, and other values or kinds keys of their own, as the table grows", () => {
    const keys = new ReplayKeys();
    const first = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) first.set(`buyer${i}@example.com`, keys.hash("email", `buyer${i}@example.com`));
    expect(new Set(first.values()).size).toBe(100_000);
    for (const [value, key] of first) expect(keys.hash("email", value)).toBe(key);
    expect(keys.hash("name", "buyer1@example.com")).not.toBe(first.get("buyer1@example.com"));
    expect(keys.hash("email", "")).toBe(keys.hash("email", ""));
  });

  it("lets another instance find the same identifiers by their hashes, whatever order it meets them in", () => {
    const here = new ReplayKeys();
    const there = new ReplayKeys();
    there.hash("phone", "+46701234567");
    const values = ["a@x.se", "b@x.se", "a@x.se", "c@x.se"].map((value) => here.hash("email", value));
    const pairs = new Int32Array(values.length * 2);
    values.forEach((key, i) => here.pairOf(key, pairs, i * 2));
    const found = values.map((_, i) => there.keyOfPair(pairs[i * 2]!, pairs[i * 2 + 1]!));
    expect(found[0]).toBe(found[2]);
    expect(new Set(found).size).toBe(3);
    expect(there.hash("email", "b@x.se")).toBe(found[1]);
    expect(pairs.filter((_, i) => i % 2 === 1).every((lo) => lo !== 0)).toBe(true);
  });
});
