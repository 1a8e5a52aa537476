/**
 * The merchant API against hostile bodies: whatever arrives, the answer is a 400 (naming the field
 * when there is one) or a 413, never a 500 or a crash, nothing leaks into Object.prototype, and the
 * collector keeps serving honest calls.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { fuzzParams, fuzzTimeoutMs } from "../fuzz/runs.js";
import { rawRequest, type RawResponse } from "./raw-http.js";

let collector: TestCollector;
let orderSeq = 0;

beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector.destroy();
});

const auth = { authorization: `Bearer ${SECRET_KEY}` };
const post = (path: string, body: Buffer | string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  rawRequest(`${collector.url}${path}`, { headers: { ...auth, ...headers }, body });

const validOrder = () => ({
  id: `ord_hostile_${++orderSeq}`,
  amount: 129900,
  currency: "SEK",
  email: "hostile@example.com",
  phone: "+46701234567",
  customer: { id: "c_1", createdAt: "2026-11-20T10:00:00Z", name: "Anna Berg" },
  shipping: { name: "Anna Berg", line1: "Storgatan 1", postalCode: "111 22", city: "Stockholm", country: "SE" },
  items: [{ sku: "IP15", quantity: 1, unitPrice: 129900 }],
  payment: { method: "card", cardBin: "457173", cardLast4: "4242" },
});

/** A refusal the contract allows: 400 invalid_request (with a message) or 413 too_large. */
function expectRefused(res: RawResponse, status = 400): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json).toMatchObject({ error: status === 413 ? "too_large" : "invalid_request", message: expect.any(String) });
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
}

async function expectStillServing(): Promise<void> {
  const answer = await collector.api("POST", "/v1/assess", { order: validOrder() });
  expect(answer.status).toBe(200);
  expect(answer.body.decision).toMatch(/^(allow|challenge|review|deny)$/);
}

function expectPrototypesClean(): void {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
    expect(Object.getOwnPropertyNames(proto).filter((name) => /polluted|isAdmin/.test(name))).toEqual([]);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** A field of a valid body set to a random JSON value: wrong types, wrong shapes, junk. */
const ORDER_PATHS = [
  ["token"], ["ip"], ["order"], ["order", "id"], ["order", "amount"], ["order", "currency"], ["order", "email"], ["order", "phone"],
  ["order", "customer"], ["order", "customer", "createdAt"], ["order", "shipping"], ["order", "shipping", "country"],
  ["order", "items"], ["order", "items", 0], ["order", "items", 0, "quantity"], ["order", "payment", "cardBin"], ["extra"],
] as const;

function withField(path: readonly (string | number)[], value: unknown): unknown {
  const body: any = { token: "", ip: "203.0.113.7", order: validOrder() };
  let at = body;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]!] = value;
  return body;
}

describe("POST /v1/assess and /v1/labels with hostile JSON", () => {
  it("a valid body with one field of any random JSON value is answered 200 or a 400 naming a field, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ORDER_PATHS), fc.jsonValue({ maxDepth: 3 }), async (path, value) => {
        const res = await post("/v1/assess", JSON.stringify(withField(path, value)));
        if (res.status === 200) return void expect(res.json.decision).toBeDefined();
        expectRefused(res);
        expect(typeof res.json.path).toBe("string");
      }),
      fuzzParams(250),
    );
    await expectStillServing();
  }, fuzzTimeoutMs(60_000));

  it("any random JSON document is refused with a 400 on both routes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/v1/assess", "/v1/labels"), fc.jsonValue({ maxDepth: 4 }), async (route, value) => {
        const res = await post(route, JSON.stringify(value));
        // A random document is not a valid request; a labels body that happens to name no attempt is a 404.
        if (route === "/v1/labels" && res.status === 404) return void expect(res.json.error).toBe("not_found");
        expectRefused(res);
      }),
      fuzzParams(300),
    );
    await expectStillServing();
  }, fuzzTimeoutMs(60_000));

  it("prototype-pollution keys are refused as unknown fields and pollute nothing", async () => {
    const payload = { polluted: "yes", isAdmin: true };
    const bodies = [
      `{"__proto__":${JSON.stringify(payload)},"order":{"id":"ord_p1"}}`,
      `{"order":{"id":"ord_p2","__proto__":${JSON.stringify(payload)}}}`,
      `{"order":{"id":"ord_p3","customer":{"__proto__":${JSON.stringify(payload)}}}}`,
      `{"order":{"id":"ord_p4","items":[{"quantity":1,"__proto__":${JSON.stringify(payload)}}]}}`,
      `{"constructor":{"prototype":${JSON.stringify(payload)}},"order":{"id":"ord_p5"}}`,
      `{"order":{"id":"ord_p6","shipping":{"constructor":{"prototype":${JSON.stringify(payload)}}}}}`,
      `{"order":{"id":"ord_p7","toString":"x","valueOf":1,"hasOwnProperty":null}}`,
    ];
    for (const body of bodies) {
      const res = await post("/v1/assess", body);
      expectRefused(res);
      expect(res.json.message).toMatch(/unrecognized|key/i);
    }
    for (const body of [`{"__proto__":${JSON.stringify(payload)},"orderId":"x","label":"fraud"}`, `{"constructor":{"prototype":{"polluted":1}},"orderId":"x","label":"fraud"}`]) {
      expectRefused(await post("/v1/labels", body));
    }
    expectPrototypesClean();
    await expectStillServing();
  });

  it("bodies of 10 MB are refused with 413, with or without a Content-Length, and the collector keeps serving", async () => {
    const tenMb = Buffer.alloc(10 * 1024 * 1024, "a");
    const json = Buffer.concat([Buffer.from('{"order":{"id":"'), tenMb, Buffer.from('"}}')]);
    expectRefused(await post("/v1/assess", json), 413);
    const chunks = Array.from({ length: 160 }, () => Buffer.alloc(64 * 1024, "b"));
    const chunked = await rawRequest(`${collector.url}/v1/assess`, { headers: { ...auth, "content-type": "application/json" }, chunks });
    expectRefused(chunked, 413);
    expectRefused(await post("/v1/labels", json), 413);
    const unauthenticated = await rawRequest(`${collector.url}/v1/assess`, { headers: { "content-type": "application/json" }, body: json });
    expect([401, 413]).toContain(unauthenticated.status);
    await expectStillServing();
  });

  it("invalid UTF-8, a missing or wrong content type, and malformed JSON are 400s that say what is wrong", async () => {
    const invalidUtf8 = Buffer.concat([Buffer.from('{"order":{"id":"ord_'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}}')]);
    expect((await post("/v1/assess", invalidUtf8)).json.message).toMatch(/UTF-8/);
    expectRefused(await post("/v1/assess", invalidUtf8));
    const valid = JSON.stringify({ order: validOrder() });
    for (const headers of [{} as Record<string, string>, { "content-type": "text/plain" }, { "content-type": "application/x-www-form-urlencoded" }, { "content-type": "multipart/form-data; boundary=x" }, { "content-type": "application/jsonx" }]) {
      const res = await post("/v1/assess", valid, headers);
      expectRefused(res);
      expect(res.json.message).toMatch(/Content-Type/);
    }
    const malformed = ["", "{", "nul", "{'order':1}", '{"order":{"id":"x"}', "[".repeat(20_000), `{"order":{"id":"x","amount":1e999999}}`, "\u0000", '{"a":1}{"b":2}'];
    for (const body of malformed) expectRefused(await post("/v1/assess", body));
    await expectStillServing();
  });

  it("random bytes declared as JSON are refused with a 400 and never logged as errors", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const res = await post("/v1/assess", Buffer.from(bytes));
        expectRefused(res);
      }),
      fuzzParams(200),
    );
    expect(collector.logs.filter((line) => line.startsWith("error:"))).toEqual([]);
    expectPrototypesClean();
    await expectStillServing();
  }, fuzzTimeoutMs(60_000));
});
