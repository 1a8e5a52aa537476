import { describe, expect, it } from "vitest";
import { TextTable } from "./text-table.js";

describe("the text table", () => {
  it("keeps each text once per tag, finds it again by text or bytes, and gives it back whole", () => {
    const table = new TextTable();
    const texts = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? `nämn ✓ ${i}` : `q1Nn3Yp0x3J9cK2b${i}`));
    const entries = texts.map((text, i) => table.intern(i % 3, text));
    expect(new Set(entries).size).toBe(texts.length);
    expect(table.size).toBe(texts.length);
    texts.forEach((text, i) => {
      expect(table.find(i % 3, text)).toBe(entries[i]);
      expect(table.intern(i % 3, text)).toBe(entries[i]);
      expect(table.text(entries[i]!)).toBe(text);
      expect(table.tag(entries[i]!)).toBe(i % 3);
    });
    const bytes = Buffer.from(`xx${texts[7]}yy`);
    expect(table.internBytes(1, bytes, 2, bytes.length - 2)).toBe(entries[7]);
    expect(table.find(2, texts[7]!)).toBe(-1);
    expect(table.find(0, `${texts[0]} `)).toBe(-1);
    expect(table.size).toBe(texts.length);
  });

  it("orders texts by their UTF-8 bytes, as LMDB orders keys", () => {
    const table = new TextTable();
    const [a, b, c, d] = ["att_1", "att_10", "att_2", "att_é"].map((text) => table.intern(0, text)) as [number, number, number, number];
    expect(table.compare(a, b)).toBeLessThan(0);
    expect(table.compare(c, b)).toBeGreaterThan(0);
    expect(table.compare(d, c)).toBeGreaterThan(0);
    expect(table.compare(a, a)).toBe(0);
  });

  it("refuses to hold a text over 255 bytes, and finds none", () => {
    const table = new TextTable();
    expect(() => table.intern(0, "é".repeat(128))).toThrow("a text of 256 bytes; at most 255");
    expect(table.find(0, "é".repeat(128))).toBe(-1);
    expect(table.find(0, "x".repeat(100_000))).toBe(-1);
    expect(table.size).toBe(0);
  });
});
