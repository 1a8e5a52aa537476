/**
 * Security headers on everything the collector serves: the API's answers, its errors, the script,
 * the fallback's answers and refused stream upgrades. The script alone is loadable cross-origin.
 */
import { pack } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { rawRequest, type RawResponse } from "./raw-http.js";

const ORIGIN = "http://127.0.0.1:1";
let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector({ origins: [ORIGIN], rateLimits: { apiPerKey: { perSecond: 0.001, burst: 4 } } });
});
afterAll(async () => {
  await collector.destroy();
});

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(`${collector.url}${path}`, { method: "GET", headers });
const assess = (body: string, headers: Record<string, string> = {}) =>
  rawRequest(`${collector.url}/v1/assess`, { headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json", ...headers }, body });
const upgrade = (query: string, origin: string) =>
  get(`/v1/stream?${query}`, { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", origin });
const collect = (origin: string) =>
  rawRequest(`${collector.url}/v1/collect?k=${SITE_KEY}`, { headers: { "content-type": "text/plain", origin }, body: pack([{ t: "token" }]) });

function expectHardened(res: RawResponse, what: string): void {
  const csp = String(res.headers["content-security-policy"]);
  expect(csp, what).toMatch(/default-src 'none'/);
  expect(csp, what).toMatch(/frame-ancestors 'none'/);
  expect(res.headers["x-frame-options"], what).toBe("DENY");
  expect(res.headers["x-content-type-options"], what).toBe("nosniff");
  expect(res.headers["referrer-policy"], what).toBe("no-referrer");
  expect(res.headers["cross-origin-opener-policy"], what).toBe("same-origin");
  expect(res.headers["x-powered-by"], what).toBeUndefined();
}

describe("security headers", () => {
  it("are on every API answer and error, same-origin only for resources", async () => {
    const answers: [string, RawResponse, number][] = [
      ["healthz", await get("/healthz"), 200],
      ["jwks", await get("/v1/jwks.json"), 200],
      ["metrics", await get("/metrics"), 200],
      ["assess 200", await assess(JSON.stringify({ order: { id: "ord_h1" } })), 200],
      ["assess 400", await assess("{"), 400],
      ["assess 401", await assess("{}", { authorization: "Bearer sk_wrong_wrong" }), 401],
      ["assess 413", await assess("x".repeat(100_000)), 413],
      ["attempt 404", await get("/v1/attempts/att_nope", { authorization: `Bearer ${SECRET_KEY}` }), 404],
      ["assess 429", await assess(JSON.stringify({ order: { id: "ord_h2" } })), 429],
      ["unknown route", await get("/wp-login.php"), 404],
      ["wrong method", await rawRequest(`${collector.url}/v1/assess`, { method: "DELETE" }), 405],
    ];
    for (const [what, res, status] of answers) {
      expect(res.status, what).toBe(status);
      expectHardened(res, what);
      expect(res.headers["cross-origin-resource-policy"], what).toBe("same-origin");
    }
  });

  it("are on the script, which stays loadable by any merchant page (CORS and CORP cross-origin), also gzipped and as a 304", async () => {
    const plain = await get("/v1/vakt.js");
    const gzipped = await get("/v1/vakt.js", { "accept-encoding": "gzip" });
    const revalidated = await get("/v1/vakt.js", { "if-none-match": String(plain.headers.etag) });
    expect([plain.status, gzipped.status, revalidated.status]).toEqual([200, 200, 304]);
    for (const res of [plain, gzipped, revalidated]) {
      expectHardened(res, "vakt.js");
      expect(res.headers["cross-origin-resource-policy"]).toBe("cross-origin");
      expect(res.headers["access-control-allow-origin"]).toBe("*");
    }
    expect(plain.headers["content-type"]).toMatch(/^text\/javascript/);
  });

  it("are on the fallback's answers and on refused stream upgrades", async () => {
    const allowed = await collect(ORIGIN);
    const refused = await collect("https://evil.example");
    expect([allowed.status, refused.status]).toEqual([200, 403]);
    for (const res of [allowed, refused]) expectHardened(res, `collect ${res.status}`);
    const badOrigin = await upgrade(`k=${SITE_KEY}`, "https://evil.example");
    const badKey = await upgrade("k=pk_unknown", ORIGIN);
    expect([badOrigin.status, badKey.status]).toEqual([403, 404]);
    for (const res of [badOrigin, badKey]) expectHardened(res, `upgrade ${res.status}`);
    expect(badOrigin.text).toMatch(/origin not allowed/);
  });
});
