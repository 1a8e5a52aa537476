import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config.js";
import { ConnectionCounter, RateLimiter } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("allows a burst, then refuses with the seconds to wait, and refills at the sustained rate", () => {
    let nowMs = 1_000_000;
    const limiter = new RateLimiter({ perSecond: 2, burst: 5 }, 100, () => nowMs);
    expect(Array.from({ length: 5 }, () => limiter.take("a"))).toEqual([0, 0, 0, 0, 0]);
    expect(limiter.take("a")).toBe(1);
    expect(limiter.take("b")).toBe(0);
    nowMs += 1000;
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 1]);
    nowMs += 60_000;
    expect(Array.from({ length: 6 }, () => limiter.take("a"))).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it("says how long to wait at a slow rate", () => {
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1 }, 100, () => 0);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(10);
  });

  it("tracks at most maxKeys keys, forgetting the least recently used", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, 1000, () => 0);
    for (let i = 0; i < 50_000; i++) limiter.take(`ip-${i}`);
    expect(limiter.size).toBe(1000);
    expect(limiter.take("ip-49999")).toBeGreaterThan(0);
  });

  it("forgets the key used least recently, not the one seen first, also after a key is used many times in a row", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, 3, () => 0);
    for (const key of ["a", "b", "c"]) expect(limiter.take(key)).toBe(0);
    expect(limiter.take("a")).toBe(1); // a is now the most recently used
    expect(limiter.take("d")).toBe(0); // forgets b
    expect(limiter.take("a")).toBe(1);
    for (let i = 0; i < 5; i++) expect(limiter.take("d")).toBe(1);
    expect(limiter.take("e")).toBe(0); // forgets c, the least recently used; a and d stay
    expect([limiter.take("a"), limiter.take("d")]).toEqual([1, 1]);
    expect([limiter.take("b"), limiter.take("c")]).toEqual([0, 0]); // forgotten: full buckets again
    expect(limiter.size).toBe(3);
  });
});

describe("ConnectionCounter", () => {
  it("refuses past the maximum per key and forgets keys with nothing open", () => {
    const counter = new ConnectionCounter(2);
    expect([counter.tryOpen("a"), counter.tryOpen("a"), counter.tryOpen("a"), counter.tryOpen("b")]).toEqual([true, true, false, true]);
    counter.close("a");
    expect(counter.tryOpen("a")).toBe(true);
    counter.close("b");
    expect(counter.count("b")).toBe(0);
  });
});

describe("rateLimits in the config", () => {
  const sites = [{ siteKey: "pk_test_demo", secretKey: "sk_test_demo_secret", origins: ["http://localhost:8080"] }];

  it("has defaults for every limit, and fills a partly given one", async () => {
    const config = await parseConfig({ sites, rateLimits: { apiPerKey: { burst: 50 } } });
    expect(config.rateLimits).toEqual({
      apiPerKey: { perSecond: 5000, burst: 50 },
      apiPerIp: { perSecond: 5000, burst: 50_000 },
      streamConnectionsPerIp: 500,
      streamOpensPerIp: { perSecond: 50, burst: 500 },
      streamFramesPerIp: { perSecond: 1000, burst: 10_000 },
    });
    expect((await parseConfig({ sites })).rateLimits.apiPerIp).toEqual({ perSecond: 5000, burst: 50_000 });
  });

  it("refuses wrong values with one line per problem naming the field", async () => {
    const error = await parseConfig({ sites, rateLimits: { apiPerKey: { perSecond: 0 }, apiPerIp: { burst: 1.5 }, streamConnectionsPerIp: "many", perMinute: 3 } }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rateLimits\.apiPerKey\.perSecond: /),
        expect.stringMatching(/^rateLimits\.apiPerIp\.burst: /),
        expect.stringMatching(/^rateLimits\.streamConnectionsPerIp: /),
        expect.stringMatching(/^rateLimits: .*perMinute/),
      ]),
    );
  });
});
