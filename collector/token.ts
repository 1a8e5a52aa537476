import { createPrivateKey, randomBytes, sign, type KeyObject } from "node:crypto";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
} from "jose";
import type { SigningKeyRecord, Store } from "./store/types.js";

export type TokenStatus = "valid" | "missing" | "invalid" | "expired" | "reused" | "wrong_site";

export interface VerifiedToken {
  status: Exclude<TokenStatus, "missing" | "reused">;
  /** Present when the signature checked out (also for expired and wrong_site tokens). */
  sessionId?: string;
  jti?: string;
  /** The `dev` claim: the keyed hash of the session's device when the token was issued, if it had one. */
  device?: string;
}

const MAX_TOKEN_CHARS = 4096;
/** How far ahead of this collector's clock another collector's clock may be when it issues a token. */
const MAX_CLOCK_SKEW_SECONDS = 60;

/**
 * Risk tokens: EdDSA (Ed25519) JWS with `kid`. The signing key lives in the store, so every collector
 * on one store signs and verifies alike. Retired keys stay in the JWKS until their last token has expired.
 *
 * Besides the contract's claims a token carries `dev`, the keyed hash of the session's device (its
 * FingerprintJS visitor id, hashed as the device identifier is: nothing personal, the same value as an
 * assess answer's `device.id`), so an assess can read the device's history together with the session
 * instead of after it. The session stays the authority: when it shows another device, that one counts.
 */
export class TokenService {
  private constructor(
    private readonly issuer: string,
    private readonly ttlSeconds: number,
    private readonly signing: { kid: string; key: KeyObject; header: string },
    private readonly jwks: JSONWebKeySet,
    private readonly deviceHash?: (visitorId: string) => string,
  ) {}

  /** `deviceHash` turns a visitor id into the device identifier's keyed hash (the `dev` claim); without it tokens carry none. */
  static async open(
    store: Store,
    options: { issuer: string; ttlSeconds: number; nowMs?: number; deviceHash?: (visitorId: string) => string },
  ): Promise<TokenService> {
    const nowMs = options.nowMs ?? Date.now();
    let records = await store.getSigningKeys();
    if (!records.some((r) => r.retiredAtMs === undefined)) {
      // Collectors starting at once on one shared store must agree on one new key, not each store its own:
      // the n-th key is created once, like a secret, and every collector reads back the same.
      const candidate = await newSigningKey(nowMs);
      const agreed = await store.getOrCreateSecret(`signing-key-${records.length + 1}`, () => Buffer.from(JSON.stringify(candidate)));
      records = [...records, JSON.parse(agreed.toString("utf8")) as SigningKeyRecord];
      await store.putSigningKeys(records);
      records = await store.getSigningKeys();
    }
    const maxTokenAgeMs = options.ttlSeconds * 1000;
    const published = records.filter((r) => r.retiredAtMs === undefined || r.retiredAtMs + maxTokenAgeMs > nowMs);
    const active = records.filter((r) => r.retiredAtMs === undefined).sort((a, b) => b.createdAtMs - a.createdAtMs)[0]!;
    const key = createPrivateKey({ key: active.privateJwk as JWK & { kty: string }, format: "jwk" });
    const header = base64url({ alg: "EdDSA", kid: active.kid, typ: "JWT" });
    const jwks: JSONWebKeySet = { keys: published.map((r) => publicJwk(r)) };
    return new TokenService(options.issuer, options.ttlSeconds, { kid: active.kid, key, header }, jwks, options.deviceHash);
  }

  get ttlMs(): number {
    return this.ttlSeconds * 1000;
  }

  publicJwks(): JSONWebKeySet {
    return this.jwks;
  }

  /** Signs with node:crypto directly: Ed25519 through WebCrypto (jose) costs half again as much per token. */
  async issue(siteKey: string, sessionId: string, visitorId?: string): Promise<{ token: string; jti: string }> {
    const jti = randomBytes(16).toString("base64url");
    const iat = Math.floor(Date.now() / 1000);
    const dev = visitorId && this.deviceHash ? this.deviceHash(visitorId) : undefined;
    const claims = { iss: this.issuer, aud: siteKey, sub: sessionId, jti, iat, exp: iat + this.ttlSeconds, ...(dev === undefined ? {} : { dev }) };
    const signingInput = `${this.signing.header}.${base64url(claims)}`;
    const signature = sign(null, Buffer.from(signingInput), this.signing.key).toString("base64url");
    return { token: `${signingInput}.${signature}`, jti };
  }

  /** Checks signature, issuer, expiry and audience. Never throws for a bad token. */
  async verify(token: string, siteKey: string): Promise<VerifiedToken> {
    if (token.length > MAX_TOKEN_CHARS || !isCanonical(token)) return { status: "invalid" };
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks), {
        issuer: this.issuer,
        algorithms: ["EdDSA", "Ed25519"],
        requiredClaims: ["sub", "jti", "exp", "iat", "aud"],
      });
      if (typeof payload.sub !== "string" || typeof payload.jti !== "string") return { status: "invalid" };
      // jose checks `iat` only against a maximum age; a token issued in the future is not yet valid.
      if (payload.iat! > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) return { status: "invalid" };
      const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const status = audience.length === 1 && audience[0] === siteKey ? "valid" : "wrong_site";
      return { status, sessionId: payload.sub, jti: payload.jti, ...deviceOf(payload) };
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        const { sub, jti } = err.payload;
        return { status: "expired", ...(typeof sub === "string" ? { sessionId: sub } : {}), ...(typeof jti === "string" ? { jti } : {}), ...deviceOf(err.payload) };
      }
      if (err instanceof errors.JOSEError || err instanceof TypeError) return { status: "invalid" };
      throw err;
    }
  }
}

/**
 * Each of the three parts is base64url as an encoder writes it. A decoder ignores the unused low bits
 * of a part's last character, so without this check one token has several spellings that all verify.
 */
function isCanonical(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 3 && parts.every((part) => Buffer.from(part, "base64url").toString("base64url") === part);
}

function deviceOf(payload: Record<string, unknown>): { device?: string } {
  return typeof payload.dev === "string" && payload.dev !== "" ? { device: payload.dev } : {};
}

async function newSigningKey(nowMs: number): Promise<SigningKeyRecord> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: privateJwk.kty!, crv: privateJwk.crv!, x: privateJwk.x! });
  return { kid, privateJwk: { ...privateJwk, kid }, createdAtMs: nowMs };
}

function publicJwk(record: SigningKeyRecord): JWK {
  const { kty, crv, x } = record.privateJwk as JWK;
  return { kty: kty!, crv: crv!, x: x!, kid: record.kid, alg: "EdDSA", use: "sig" };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
