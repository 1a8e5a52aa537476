import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LmdbStore } from "./store/lmdb/lmdb-store.js";
import { TokenService } from "./token.js";

const ISSUER = "http://127.0.0.1:8787";
const SITE = "pk_test_demo";
const TTL_SECONDS = 600;

let dir: string;
let store: LmdbStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vakt-unit-"));
  store = new LmdbStore(dir);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (options: { issuer?: string; nowMs?: number } = {}) =>
  TokenService.open(store, { issuer: options.issuer ?? ISSUER, ttlSeconds: TTL_SECONDS, ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }) });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The collector's own signing key, read from the store as an attacker with the key (or a test) would. */
async function storedKey(): Promise<{ kid: string; key: CryptoKey; jwk: JWK }> {
  const [record] = await store.getSigningKeys();
  const jwk = record!.privateJwk as JWK;
  return { kid: record!.kid, key: (await importJWK(jwk, "EdDSA")) as CryptoKey, jwk };
}

function claims(overrides: JWTPayload = {}): JWTPayload {
  const iat = nowSeconds();
  return { iss: ISSUER, aud: SITE, sub: "ses_1", jti: "jti_1", iat, exp: iat + TTL_SECONDS, ...overrides };
}

function sign(key: CryptoKey, kid: string, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" }).sign(key);
}

describe("TokenService.open", () => {
  it("creates one signing key in a fresh store and reuses it on the next open", async () => {
    const first = await open();
    expect(await store.getSigningKeys()).toHaveLength(1);
    const second = await open();
    expect(await store.getSigningKeys()).toHaveLength(1);
    expect(second.publicJwks()).toEqual(first.publicJwks());
    expect(first.publicJwks().keys).toHaveLength(1);

    const { token } = await first.issue(SITE, "ses_1");
    expect(decodeProtectedHeader(token).kid).toBe(first.publicJwks().keys[0]!.kid);
    expect(decodeProtectedHeader((await second.issue(SITE, "ses_2")).token).kid).toBe(first.publicJwks().keys[0]!.kid);
  });

  it("keeps the key across a restart of the store, so tokens issued before still verify", async () => {
    const before = await open();
    const { token } = await before.issue(SITE, "ses_1");
    await store.close();
    store = new LmdbStore(dir);
    const after = await open();
    expect(after.publicJwks()).toEqual(before.publicJwks());
    expect((await after.verify(token, SITE)).status).toBe("valid");
  });

  it("publishes a JWKS with public Ed25519 keys only, without the private part", async () => {
    const service = await open();
    const [key] = service.publicJwks().keys;
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(typeof key!.x).toBe("string");
    expect(typeof key!.kid).toBe("string");
    expect(key).not.toHaveProperty("d");
    expect(JSON.stringify(service.publicJwks())).not.toContain((await storedKey()).jwk.d!);
  });

  it("keeps a retired key in the JWKS until its tokens have expired", async () => {
    const old = await open();
    const oldKid = old.publicJwks().keys[0]!.kid;
    const { token } = await old.issue(SITE, "ses_1");
    const retiredAtMs = Date.now();
    await store.putSigningKeys((await store.getSigningKeys()).map((r) => ({ ...r, retiredAtMs })));

    const rotated = await open({ nowMs: retiredAtMs + 1000 });
    const kids = rotated.publicJwks().keys.map((k) => k.kid);
    expect(kids).toHaveLength(2);
    expect(kids).toContain(oldKid);
    expect((await rotated.verify(token, SITE)).status).toBe("valid");
    expect(decodeProtectedHeader((await rotated.issue(SITE, "ses_2")).token).kid).not.toBe(oldKid);

    const later = await open({ nowMs: retiredAtMs + TTL_SECONDS * 1000 + 1000 });
    expect(later.publicJwks().keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(later.publicJwks().keys).toHaveLength(1);
  });
});

describe("TokenService.issue and verify", () => {
  it("verifies its own token as valid, with the session id and jti", async () => {
    const service = await open();
    const { token, jti } = await service.issue(SITE, "ses_abc");
    expect(await service.verify(token, SITE)).toEqual({ status: "valid", sessionId: "ses_abc", jti });
  });

  it("issues a JWT a merchant can check offline with any JOSE library and the JWKS", async () => {
    const service = await open();
    const { token, jti } = await service.issue(SITE, "ses_abc");
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(service.publicJwks()), { issuer: ISSUER, audience: SITE });
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(protectedHeader.kid).toBe(service.publicJwks().keys[0]!.kid);
    expect(payload).toMatchObject({ iss: ISSUER, aud: SITE, sub: "ses_abc", jti });
    expect(payload.exp! - payload.iat!).toBe(TTL_SECONDS);
    expect(Math.abs(payload.iat! - nowSeconds())).toBeLessThanOrEqual(2);
  });

  it("carries the keyed hash of the session's device as `dev`, never the visitor id itself", async () => {
    const deviceHash = (visitorId: string) => createHmac("sha256", "k").update(visitorId).digest("base64url").slice(0, 22);
    const service = await TokenService.open(store, { issuer: ISSUER, ttlSeconds: TTL_SECONDS, deviceHash });
    const { token, jti } = await service.issue(SITE, "ses_abc", "visitor-1");
    expect(await service.verify(token, SITE)).toEqual({ status: "valid", sessionId: "ses_abc", jti, device: deviceHash("visitor-1") });
    expect(token).not.toContain(Buffer.from("visitor-1").toString("base64url"));
    const { payload } = await jwtVerify(token, createLocalJWKSet(service.publicJwks()), { issuer: ISSUER, audience: SITE });
    expect(payload).toMatchObject({ iss: ISSUER, aud: SITE, sub: "ses_abc", jti, dev: deviceHash("visitor-1") });
    // Before the fingerprint arrives there is no device, and no claim.
    expect(await service.verify((await service.issue(SITE, "ses_abc")).token, SITE)).not.toHaveProperty("device");
  });

  it("gives every token its own jti", async () => {
    const service = await open();
    const jtis = new Set<string>();
    for (let i = 0; i < 20; i++) jtis.add((await service.issue(SITE, "ses_1")).jti);
    expect(jtis.size).toBe(20);
  });

  it("reports a token issued for another site as wrong_site", async () => {
    const service = await open();
    const { token, jti } = await service.issue("pk_other_site", "ses_abc");
    expect(await service.verify(token, SITE)).toEqual({ status: "wrong_site", sessionId: "ses_abc", jti });
  });

  it("reports a token with several audiences as wrong_site, even if one is this site", async () => {
    await open();
    const { key, kid } = await storedKey();
    const service = await open();
    expect((await service.verify(await sign(key, kid, claims({ aud: [SITE, "pk_other"] })), SITE)).status).toBe("wrong_site");
  });

  it("reports a token whose exp has passed as expired", async () => {
    await open();
    const { key, kid } = await storedKey();
    const service = await open();
    const iat = nowSeconds() - 2 * TTL_SECONDS;
    const token = await sign(key, kid, claims({ iat, exp: iat + TTL_SECONDS, sub: "ses_old", jti: "jti_old" }));
    expect(await service.verify(token, SITE)).toEqual({ status: "expired", sessionId: "ses_old", jti: "jti_old" });
  });

  it("reports a token from another issuer as invalid, even when signed with the right key", async () => {
    await open();
    const { key, kid } = await storedKey();
    const service = await open();
    expect((await service.verify(await sign(key, kid, claims({ iss: "http://evil.example" })), SITE)).status).toBe("invalid");
    const otherIssuer = await open({ issuer: "http://collector-2.example" });
    const { token } = await service.issue(SITE, "ses_1");
    expect((await otherIssuer.verify(token, SITE)).status).toBe("invalid");
  });

  it("reports a token missing sub or jti as invalid", async () => {
    await open();
    const { key, kid } = await storedKey();
    const service = await open();
    const { sub: _sub, ...withoutSub } = claims();
    const { jti: _jti, ...withoutJti } = claims();
    expect((await service.verify(await sign(key, kid, withoutSub), SITE)).status).toBe("invalid");
    expect((await service.verify(await sign(key, kid, withoutJti), SITE)).status).toBe("invalid");
  });

  it.each(["", "garbage", "a.b.c", "..", "a.b.c.d.e", "eyJhbGciOiJFZERTQSJ9"])("reports %j as invalid", async (garbage) => {
    const service = await open();
    expect(await service.verify(garbage, SITE)).toEqual({ status: "invalid" });
  });

  it("reports an unsigned token (alg none) as invalid", async () => {
    const service = await open();
    const kid = service.publicJwks().keys[0]!.kid;
    const unsigned = `${b64({ alg: "none", kid, typ: "JWT" })}.${b64(claims())}.`;
    expect((await service.verify(unsigned, SITE)).status).toBe("invalid");
  });

  it("reports an HS256 token keyed with the public key as invalid (algorithm confusion)", async () => {
    const service = await open();
    const { kid, x } = service.publicJwks().keys[0]!;
    for (const secret of [Buffer.from(x!), Buffer.from(x!, "base64url")]) {
      const input = `${b64({ alg: "HS256", kid, typ: "JWT" })}.${b64(claims())}`;
      const forged = `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
      expect((await service.verify(forged, SITE)).status).toBe("invalid");
    }
  });

  it("reports a token signed by another Ed25519 key under the collector's kid as invalid", async () => {
    const service = await open();
    const kid = service.publicJwks().keys[0]!.kid!;
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    expect((await service.verify(await sign(privateKey, kid, claims()), SITE)).status).toBe("invalid");
  });

  it("reports a truncated token as invalid", async () => {
    const service = await open();
    const { token } = await service.issue(SITE, "ses_1");
    expect((await service.verify(token.slice(0, -1), SITE)).status).toBe("invalid");
    expect((await service.verify(token.slice(0, token.lastIndexOf(".")), SITE)).status).toBe("invalid");
    expect((await service.verify(token.slice(0, token.lastIndexOf(".") + 1), SITE)).status).toBe("invalid");
  });

  it("reports another spelling of its own token (unused bits of a part's last character changed) as invalid", async () => {
    const service = await open();
    const { token } = await service.issue(SITE, "ses_1");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = token.length - 1;
    // A 64-byte Ed25519 signature leaves four unused bits in its last character: fifteen other characters decode to the same bytes.
    const spellings = [...alphabet].map((ch) => token.slice(0, last) + ch).filter((t) => t !== token && Buffer.from(t.split(".")[2]!, "base64url").equals(Buffer.from(token.split(".")[2]!, "base64url")));
    expect(spellings).toHaveLength(15);
    for (const spelling of spellings) expect((await service.verify(spelling, SITE)).status).toBe("invalid");
    expect((await service.verify(token, SITE)).status).toBe("valid");
  });

  it("reports a token with a modified payload as invalid", async () => {
    const service = await open();
    const { token } = await service.issue(SITE, "ses_1");
    const [header, payload, signature] = token.split(".");
    const claimsSet = JSON.parse(Buffer.from(payload!, "base64url").toString());
    for (const change of [{ sub: "ses_2" }, { aud: "pk_other" }, { exp: claimsSet.exp + 3600 }]) {
      const tampered = `${header}.${b64({ ...claimsSet, ...change })}.${signature}`;
      expect((await service.verify(tampered, SITE)).status).toBe("invalid");
    }
  });

  it("refuses a token longer than 4096 characters without looking further, even a correctly signed one", async () => {
    await open();
    const { key, kid } = await storedKey();
    const service = await open();
    const padded = (n: number) => sign(key, kid, claims({ pad: "x".repeat(n) }));
    let n = 2700;
    while ((await padded(n + 1)).length <= 4096) n++;
    while ((await padded(n)).length > 4096) n--;
    const fits = await padded(n);
    const tooLong = await padded(n + 1);
    expect(fits.length).toBeLessThanOrEqual(4096);
    expect(tooLong.length).toBeGreaterThan(4096);
    expect((await service.verify(fits, SITE)).status).toBe("valid");
    expect(await service.verify(tooLong, SITE)).toEqual({ status: "invalid" });
  });
});
