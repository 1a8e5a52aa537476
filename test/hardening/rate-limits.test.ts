/**
 * The merchant API's rate limits over real HTTP: per secret key and per client address, with 429
 * `rate_limited` and a Retry-After; the client address comes from X-Forwarded-For only when the
 * peer is a trusted proxy. The limits are set low here (and refill slowly) so that counts decide.
 */
import { afterEach, describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, SECRET_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { rawRequest } from "./raw-http.js";

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.destroy();
  collector = undefined;
});

const SLOW = 0.001;
let seq = 0;

async function assess(secret: string, headers: Record<string, string> = {}) {
  return rawRequest(`${collector!.url}/v1/assess`, {
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ order: { id: `ord_rl_${++seq}` } }),
  });
}

async function statuses(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await send()).status);
  return out;
}

describe("merchant API rate limits", () => {
  it("refuses a secret key past its burst with 429, Retry-After and the contract's error, and serves other keys", async () => {
    collector = await startTestCollector({ rateLimits: { apiPerKey: { perSecond: SLOW, burst: 8 } } });
    expect(await statuses(8, () => assess(SECRET_KEY))).toEqual(Array(8).fill(200));
    const refused = await assess(SECRET_KEY);
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ error: "rate_limited", message: expect.stringMatching(/secret key/) });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await collector.api("GET", "/v1/attempts/att_none")).status).toBe(429);
    expect((await assess(OTHER_SECRET_KEY)).status).toBe(200);
  });

  it("counts every call from one address, bad keys included, and serves other addresses behind a trusted proxy", async () => {
    collector = await startTestCollector({ trustProxy: ["127.0.0.1"], rateLimits: { apiPerIp: { perSecond: SLOW, burst: 6 } } });
    const attacker = { "x-forwarded-for": "203.0.113.66" };
    expect(await statuses(3, () => assess("sk_guess_guess_guess", attacker))).toEqual([401, 401, 401]);
    expect(await statuses(3, () => assess(SECRET_KEY, attacker))).toEqual([200, 200, 200]);
    const refused = await assess(SECRET_KEY, attacker);
    expect(refused.status).toBe(429);
    expect(refused.json.message).toMatch(/address/);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await assess("sk_guess_guess_guess", attacker)).status).toBe(429);
    expect((await assess(SECRET_KEY, { "x-forwarded-for": "198.51.100.8" })).status).toBe(200);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy, so a forged header does not escape the limit", async () => {
    collector = await startTestCollector({ rateLimits: { apiPerIp: { perSecond: SLOW, burst: 4 } } });
    let n = 0;
    const forged = () => assess(SECRET_KEY, { "x-forwarded-for": `203.0.113.${++n}` });
    expect(await statuses(6, forged)).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("with the default limits, a burst of a sale-day peak's calls is never refused", async () => {
    collector = await startTestCollector();
    const results = await Promise.all(Array.from({ length: 300 }, () => assess(SECRET_KEY)));
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
  });
});
