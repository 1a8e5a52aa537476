import { describe, expect, it } from "vitest";
import { LoginLimiter } from "./login-limiter.js";

const limits = { maxFailures: 3, windowMs: 60_000, lockoutMs: 10_000, maxAddresses: 100 };

describe("login limiter", () => {
  it("locks an address out after too many wrong passwords, and lets it try again after the lock-out", () => {
    let nowMs = 0;
    const limiter = new LoginLimiter(limits, () => nowMs);
    expect(limiter.fail("1.2.3.4")).toBe(0);
    expect(limiter.fail("1.2.3.4")).toBe(0);
    expect(limiter.retryAfterMs("1.2.3.4")).toBe(0);
    expect(limiter.fail("1.2.3.4")).toBe(10_000);
    expect(limiter.retryAfterMs("1.2.3.4")).toBe(10_000);
    expect(limiter.retryAfterMs("5.6.7.8")).toBe(0);
    nowMs += 4_000;
    expect(limiter.retryAfterMs("1.2.3.4")).toBe(6_000);
    nowMs += 6_000;
    expect(limiter.retryAfterMs("1.2.3.4")).toBe(0);
  });

  it("doubles each further lock-out of the same address", () => {
    let nowMs = 0;
    const limiter = new LoginLimiter(limits, () => nowMs);
    for (let i = 0; i < 2; i++) limiter.fail("a");
    expect(limiter.fail("a")).toBe(10_000);
    nowMs += 10_000;
    for (let i = 0; i < 2; i++) limiter.fail("a");
    expect(limiter.fail("a")).toBe(20_000);
  });

  it("forgets failures outside the window and after a correct password", () => {
    let nowMs = 0;
    const limiter = new LoginLimiter(limits, () => nowMs);
    limiter.fail("a");
    limiter.fail("a");
    nowMs += 60_001;
    expect(limiter.fail("a")).toBe(0);
    limiter.fail("b");
    limiter.fail("b");
    limiter.succeed("b");
    expect(limiter.fail("b")).toBe(0);
  });

  it("remembers a bounded number of addresses", () => {
    const limiter = new LoginLimiter({ ...limits, maxFailures: 1, maxAddresses: 2 }, () => 0);
    limiter.fail("a");
    limiter.fail("b");
    limiter.fail("c");
    expect(limiter.retryAfterMs("a")).toBe(0);
    expect(limiter.retryAfterMs("c")).toBeGreaterThan(0);
  });
});
