import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChallengeKeys, generateCode, normaliseCode } from "./codes.js";

describe("one-time codes", () => {
  it("are six digits, leading zeros included, and vary", () => {
    const codes = Array.from({ length: 2000 }, generateCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    // Every digit position takes every value: no position is stuck (e.g. a missing leading zero).
    for (let i = 0; i < 6; i++) expect(new Set(codes.map((c) => c[i])).size).toBe(10);
  });

  it("accept what a shopper types with spaces or a dash, and nothing but six digits", () => {
    expect(normaliseCode("123 456")).toBe("123456");
    expect(normaliseCode("123-456")).toBe("123456");
    expect(normaliseCode("12345")).toBeUndefined();
    expect(normaliseCode("1234567")).toBeUndefined();
    expect(normaliseCode("12345a")).toBeUndefined();
    expect(normaliseCode("١٢٣٤٥٦")).toBeUndefined();
  });

  it("are stored as a keyed hash bound to the attempt", () => {
    const keys = new ChallengeKeys(randomBytes(32));
    const hash = keys.hashCode("att_1", "123456");
    expect(hash).not.toContain("123456");
    expect(keys.isCode("att_1", "123456", hash)).toBe(true);
    expect(keys.isCode("att_1", "123457", hash)).toBe(false);
    expect(keys.isCode("att_2", "123456", hash)).toBe(false);
    expect(new ChallengeKeys(randomBytes(32)).isCode("att_1", "123456", hash)).toBe(false);
  });

  it("give each attempt its own ticket", () => {
    const keys = new ChallengeKeys(randomBytes(32));
    const ticket = keys.ticket("att_1");
    expect(ticket).toMatch(/^vct_[\w-]{43}$/);
    expect(keys.isTicket("att_1", ticket)).toBe(true);
    expect(keys.isTicket("att_2", ticket)).toBe(false);
    expect(keys.isTicket("att_1", ticket.slice(0, -1))).toBe(false);
    expect(keys.isTicket("att_1", "")).toBe(false);
  });
});
