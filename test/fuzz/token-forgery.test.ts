/**
 * Hostile tokens straight into TokenService.verify: whatever an attacker builds without the
 * collector's signing key, and whatever is wrong with a token signed with it, is never `valid`.
 */
import { createHmac, createPublicKey, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LmdbStore } from "../../collector/store/lmdb/lmdb-store.js";
import { TokenService } from "../../collector/token.js";
import { fuzzParams, fuzzTimeoutMs } from "./runs.js";
import { b64, base64urlSegment, claimOverrides, tamper } from "./token-arbitraries.js";

const ISSUER = "http://127.0.0.1:8787";
const SITE = "pk_test_fuzz";
const TTL_SECONDS = 600;

let dir: string;
let store: LmdbStore;
let service: TokenService;
let real: { kid: string; key: CryptoKey; publicJwk: JWK };
let others: CryptoKey[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vakt-fuzz-"));
  store = new LmdbStore(dir);
  service = await TokenService.open(store, { issuer: ISSUER, ttlSeconds: TTL_SECONDS });
  const [record] = await store.getSigningKeys();
  const publicJwk = service.publicJwks().keys[0]!;
  real = { kid: record!.kid, key: (await importJWK(record!.privateJwk as JWK, "EdDSA")) as CryptoKey, publicJwk };
  others = await Promise.all([1, 2, 3, 4].map(async () => (await generateKeyPair("EdDSA", { crv: "Ed25519" })).privateKey));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const goodClaims = (): JWTPayload => {
  const iat = nowSeconds();
  return { iss: ISSUER, aud: SITE, sub: `ses_${randomBytes(8).toString("hex")}`, jti: randomBytes(16).toString("base64url"), iat, exp: iat + TTL_SECONDS };
};
const signWith = (key: CryptoKey, header: { kid?: string }, payload: JWTPayload) =>
  new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: "JWT", ...header }).sign(key);
const statusOf = async (token: string) => (await service.verify(token, SITE)).status;

/** The secrets an attacker might try as an HMAC key: the public key in every encoding it is published in. */
function publicKeyAsSecrets(): Buffer[] {
  const x = real.publicJwk.x!;
  const pem = createPublicKey({ key: real.publicJwk as import("node:crypto").JsonWebKey, format: "jwk" }).export({ type: "spki", format: "pem" }).toString();
  return [Buffer.from(x), Buffer.from(x, "base64url"), Buffer.from(JSON.stringify(real.publicJwk)), Buffer.from(pem), Buffer.from(JSON.stringify({ keys: [real.publicJwk] }))];
}

describe("tokens nobody but the collector could sign", () => {
  it("a genuine token verifies (the properties below would be empty without it)", async () => {
    expect(await statusOf(await signWith(real.key, { kid: real.kid }, goodClaims()))).toBe("valid");
  });

  it("random text and random JWT-shaped strings are never valid", async () => {
    const shaped = fc.tuple(base64urlSegment, base64urlSegment, base64urlSegment).map((parts) => parts.join("."));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }), shaped), async (token) => {
        expect(await statusOf(token)).not.toBe("valid");
      }),
      fuzzParams(2000),
    );
  }, fuzzTimeoutMs(60_000));

  it("any header and claims with a signature of random bytes are never valid", async () => {
    const header = fc.record({
      alg: fc.constantFrom("EdDSA", "Ed25519", "ES256", "RS256", "PS256", "HS256", "none", "None", ""),
      kid: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 50 }), fc.constant("REAL")),
      typ: fc.constantFrom("JWT", undefined),
      extra: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(header, claimOverrides, fc.uint8Array({ maxLength: 128 }), async (h, overrides, signature) => {
        const { extra, ...fields } = h;
        const protectedHeader = { ...extra, ...fields, kid: fields.kid === "REAL" ? real.kid : fields.kid };
        const token = `${b64(protectedHeader)}.${b64({ ...goodClaims(), ...overrides })}.${Buffer.from(signature).toString("base64url")}`;
        expect(await statusOf(token)).not.toBe("valid");
      }),
      fuzzParams(2000),
    );
  }, fuzzTimeoutMs(60_000));

  it("a genuine token with characters changed, inserted or removed is never valid (unless it decodes to the same token)", async () => {
    const genuine = await Promise.all([1, 2, 3].map(() => signWith(real.key, { kid: real.kid }, goodClaims())));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...genuine), tamper, async (token, change) => {
        const changed = change(token);
        if (changed === token || sameDecoded(changed, token)) return;
        expect(await statusOf(changed)).not.toBe("valid");
      }),
      fuzzParams(2000),
    );
  }, fuzzTimeoutMs(60_000));

  it("a genuine token cut short anywhere is never valid", async () => {
    const token = await signWith(real.key, { kid: real.kid }, goodClaims());
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: token.length - 1 }), async (length) => {
        expect(await statusOf(token.slice(0, length))).not.toBe("valid");
      }),
      fuzzParams(1000),
    );
  }, fuzzTimeoutMs(60_000));

  it("good claims re-signed with another Ed25519 key are never valid, whatever kid they name", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.constantFrom("real", "none", "random"), async (which, kidKind) => {
        const header = kidKind === "real" ? { kid: real.kid } : kidKind === "random" ? { kid: randomBytes(16).toString("base64url") } : {};
        expect(await statusOf(await signWith(others[which]!, header, goodClaims()))).not.toBe("valid");
      }),
      fuzzParams(800),
    );
  }, fuzzTimeoutMs(60_000));

  it("HS256/384/512 keyed with the public key (algorithm confusion) and alg none are never valid", async () => {
    const secrets = publicKeyAsSecrets();
    const hmac = fc.record({ kind: fc.constant("hmac" as const), alg: fc.constantFrom("HS256", "HS384", "HS512"), secret: fc.constantFrom(...secrets) });
    const none = fc.record({ kind: fc.constant("none" as const), alg: fc.constantFrom("none", "None", "NONE", "nOnE"), signature: fc.constantFrom("", "AA", "x") });
    await fc.assert(
      fc.asyncProperty(fc.oneof(hmac, none), fc.boolean(), async (attack, withKid) => {
        const header = { alg: attack.alg, typ: "JWT", ...(withKid ? { kid: real.kid } : {}) };
        const input = `${b64(header)}.${b64(goodClaims())}`;
        const signature = attack.kind === "hmac" ? createHmac(`sha${attack.alg.slice(2)}`, attack.secret).update(input).digest("base64url") : attack.signature;
        expect(await statusOf(`${input}.${signature}`)).not.toBe("valid");
      }),
      fuzzParams(1000),
    );
  }, fuzzTimeoutMs(60_000));
});

describe("tokens signed with the collector's own key, but wrong", () => {
  const signed = (overrides: JWTPayload) => signWith(real.key, { kid: real.kid }, { ...goodClaims(), ...overrides });

  it("expired ones are expired, never valid", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000_000 }), async (agoSeconds) => {
        const exp = nowSeconds() - agoSeconds;
        expect(await statusOf(await signed({ exp, iat: exp - TTL_SECONDS }))).toBe("expired");
      }),
      fuzzParams(600),
    );
  }, fuzzTimeoutMs(60_000));

  it("not-yet-valid ones (nbf ahead, or issued more than a minute in the future) are never valid", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: 10_000_000 }), fc.boolean(), async (aheadSeconds, viaNbf) => {
        const now = nowSeconds();
        const claims = viaNbf ? { nbf: now + aheadSeconds } : { iat: now + 60 + aheadSeconds, exp: now + 60 + aheadSeconds + TTL_SECONDS };
        expect(await statusOf(await signed(claims))).not.toBe("valid");
      }),
      fuzzParams(600),
    );
  }, fuzzTimeoutMs(60_000));

  it("ones for another site, several sites or no site are never valid here", async () => {
    const otherSite = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== SITE);
    const audience = fc.oneof(otherSite, fc.array(otherSite, { maxLength: 3 }), fc.array(otherSite, { maxLength: 3 }).map((a) => [SITE, ...a]), fc.constant(""));
    await fc.assert(
      fc.asyncProperty(audience, async (aud) => {
        if (Array.isArray(aud) && aud.length === 1 && aud[0] === SITE) return;
        expect(await statusOf(await signed({ aud }))).not.toBe("valid");
      }),
      fuzzParams(600),
    );
  }, fuzzTimeoutMs(60_000));

  it("ones from another issuer, or with a claim of the wrong type, are never valid", async () => {
    const wrong = fc.oneof(
      fc.string({ maxLength: 40 }).filter((iss) => iss !== ISSUER).map((iss) => ({ iss })),
      fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== "string").map((sub) => ({ sub })),
      fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== "string").map((jti) => ({ jti })),
      fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== "number").map((exp) => ({ exp })),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (overrides) => {
        expect(await statusOf(await signed(overrides as JWTPayload))).not.toBe("valid");
      }),
      fuzzParams(400),
    );
  }, fuzzTimeoutMs(60_000));

  it("oversized ones (over 4096 characters) are invalid without a signature check", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3100, max: 60_000 }), async (padding) => {
        expect(await statusOf(await signed({ pad: "x".repeat(padding) }))).toBe("invalid");
      }),
      fuzzParams(200),
    );
  }, fuzzTimeoutMs(60_000));
});

/** Two compact tokens that decode to the same header, claims and signature bytes (base64url allows spare bits). */
function sameDecoded(a: string, b: string): boolean {
  const parts = (t: string) => t.split(".").map((p) => (/^[A-Za-z0-9_-]*$/.test(p) ? Buffer.from(p, "base64url").toString("hex") : `!${p}`));
  const [pa, pb] = [parts(a), parts(b)];
  return pa.length === 3 && pb.length === 3 && a.split(".").slice(0, 2).join(".") === b.split(".").slice(0, 2).join(".") && pa[2] === pb[2];
}
