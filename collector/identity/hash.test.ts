import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IdentifierHasher } from "./hash.js";

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);

// Identifiers are stored only as these hashes: a repeat must hash alike, and nothing readable may leak.
describe("IdentifierHasher", () => {
  it("gives the same hash for the same kind and value, also from a second hasher with the same key", () => {
    const hasher = new IdentifierHasher(KEY);
    const first = hasher.hash("email", "anna@example.com");
    expect(hasher.hash("email", "anna@example.com")).toBe(first);
    expect(new IdentifierHasher(Buffer.from(KEY)).hash("email", "anna@example.com")).toBe(first);
  });

  it("gives different values different hashes", () => {
    const hasher = new IdentifierHasher(KEY);
    expect(hasher.hash("email", "anna@example.com")).not.toBe(hasher.hash("email", "anne@example.com"));
  });

  it("makes the kind part of the input, so an e-mail and a name with the same text do not collide", () => {
    const hasher = new IdentifierHasher(KEY);
    expect(hasher.hash("email", "x")).not.toBe(hasher.hash("name", "x"));
    expect(hasher.hash("phone", "+46701234567")).not.toBe(hasher.hash("customer", "+46701234567"));
  });

  it("gives different hashes under different keys", () => {
    expect(new IdentifierHasher(KEY).hash("email", "anna@example.com")).not.toBe(
      new IdentifierHasher(OTHER_KEY).hash("email", "anna@example.com"),
    );
  });

  it("refuses a key shorter than 32 bytes", () => {
    expect(() => new IdentifierHasher(Buffer.alloc(31, 1))).toThrow(/at least 32 bytes/);
    expect(() => new IdentifierHasher(Buffer.alloc(0))).toThrow(/at least 32 bytes/);
    expect(() => new IdentifierHasher(Buffer.alloc(32, 1))).not.toThrow();
  });

  it("outputs 22 base64url characters (128 bits)", () => {
    const hasher = new IdentifierHasher(KEY);
    for (const value of ["", "a", "anna@example.com", "x".repeat(10_000), "Åsa Öberg"]) {
      expect(hasher.hash("name", value)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it("does not carry the raw value in the output", () => {
    const hasher = new IdentifierHasher(KEY);
    const value = "annaberg";
    const hash = hasher.hash("email", value);
    expect(hash).not.toContain(value);
    expect(hash).not.toContain(Buffer.from(value).toString("base64url").slice(0, 8));
    expect(hash).not.toContain(Buffer.from(value).toString("hex").slice(0, 8));
  });

  it("is HMAC-SHA256 of kind:value, so hashes stay the same whoever computes them", () => {
    const key = Buffer.alloc(32, 7);
    const expected = createHmac("sha256", key).update("email:anna@example.com").digest().subarray(0, 16).toString("base64url");
    expect(new IdentifierHasher(key).hash("email", "anna@example.com")).toBe(expected);
    const long = "x".repeat(3000) + "åäö";
    expect(new IdentifierHasher(key).hash("name", long)).toBe(createHmac("sha256", key).update(`name:${long}`).digest().subarray(0, 16).toString("base64url"));
  });
});
