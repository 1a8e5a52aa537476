/**
 * Hostile tokens through a real POST /v1/assess: the call never fails because of a token, the order is
 * assessed and recorded, and the token's status is never `valid` — forged, tampered, re-signed,
 * expired, foreign or replayed alike. Fewer cases than token-forgery.test.ts: each is a full assess.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_SITE_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { fuzzParams, fuzzTimeoutMs } from "./runs.js";
import { b64, tamper } from "./token-arbitraries.js";

const ISSUER = "http://127.0.0.1:8787";
let collector: TestCollector;
let real: { kid: string; key: CryptoKey };
let other: CryptoKey;
let seq = 0;

beforeAll(async () => {
  collector = await startTestCollector({ rateLimits: { apiPerKey: { burst: 1_000_000 }, apiPerIp: { burst: 1_000_000 } } });
  const [record] = await collector.store.getSigningKeys();
  real = { kid: record!.kid, key: (await importJWK(record!.privateJwk as JWK, "EdDSA")) as CryptoKey };
  other = (await generateKeyPair("EdDSA", { crv: "Ed25519" })).privateKey;
});
afterAll(async () => {
  await collector.destroy();
});

const claims = (overrides: JWTPayload = {}): JWTPayload => {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: SITE_KEY, sub: `ses_${randomBytes(8).toString("hex")}`, jti: randomBytes(16).toString("base64url"), iat, exp: iat + 600, ...overrides };
};
const sign = (key: CryptoKey, payload: JWTPayload, kid = real.kid) => new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" }).sign(key);

async function assess(token: string) {
  const answer = await collector.api("POST", "/v1/assess", { token, order: { id: `ord_tok_${++seq}`, amount: 1000 } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.decision).toMatch(/^(allow|challenge|review|deny)$/);
  return answer.body as { id: string; token: { status: string } };
}

type Attack = { kind: string; make(): Promise<string> };

const attacks: fc.Arbitrary<Attack> = fc.oneof(
  fc.string({ maxLength: 200 }).map((text) => ({ kind: "random", make: async () => text })),
  tamper.map((change) => ({ kind: "tampered", make: async () => {
    const token = await sign(real.key, claims());
    const changed = change(token);
    // A character replaced by itself changes nothing: change the last one instead, so every case is a tampered token.
    return changed !== token ? changed : token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
  } })),
  fc.nat({ max: 400 }).map((cut) => ({ kind: "truncated", make: async () => {
    const token = await sign(real.key, claims());
    return token.slice(0, cut % token.length);
  } })),
  fc.boolean().map((sameKid) => ({ kind: "re-signed", make: () => sign(other, claims(), sameKid ? real.kid : "attacker") })),
  fc.constantFrom("none", "HS256").map((alg) => ({ kind: alg, make: async () => `${b64({ alg, kid: real.kid })}.${b64(claims())}.${alg === "none" ? "" : randomBytes(32).toString("base64url")}` })),
  fc.integer({ min: 1, max: 1_000_000 }).map((ago) => ({ kind: "expired", make: () => sign(real.key, claims({ iat: Math.floor(Date.now() / 1000) - ago - 600, exp: Math.floor(Date.now() / 1000) - ago })) })),
  fc.integer({ min: 5, max: 1_000_000 }).map((ahead) => ({ kind: "not-yet-valid", make: () => sign(real.key, claims({ nbf: Math.floor(Date.now() / 1000) + ahead })) })),
  fc.constant({ kind: "foreign-site", make: () => sign(real.key, claims({ aud: OTHER_SITE_KEY })) }),
  fc.integer({ min: 4100, max: 8192 }).map((size) => ({ kind: "oversized", make: async () => (await sign(real.key, claims({ pad: "x".repeat(size) }))).slice(0, 8192) })),
);

describe("hostile tokens through POST /v1/assess", () => {
  it("are never valid, and never fail the call", async () => {
    await fc.assert(
      fc.asyncProperty(attacks, async (attack) => {
        const answer = await assess(await attack.make());
        expect(answer.token.status, attack.kind).not.toBe("valid");
      }),
      fuzzParams(200),
    );
  }, fuzzTimeoutMs(60_000));

  it("a genuine token is valid once; replayed with another order it is reused, with the same order it is the first answer", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), async (replays) => {
        const token = await sign(real.key, claims());
        const first = await assess(token);
        expect(first.token.status).toBe("valid");
        for (let i = 0; i < replays; i++) expect((await assess(token)).token.status).toBe("reused");
        const again = await collector.api("POST", "/v1/assess", { token, order: { id: `ord_tok_${seq - replays}` } });
        expect(again.body.id).toBe(first.id);
      }),
      fuzzParams(40),
    );
  }, fuzzTimeoutMs(60_000));
});
