import { gunzipSync } from "node:zlib";
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, OTHER_SITE_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { StreamClient } from "../helpers/stream-client.js";

const ORIGIN = "http://127.0.0.1:1";
let collector: TestCollector;
let orderSeq = 0;

beforeAll(async () => {
  collector = await startTestCollector({ origins: [ORIGIN] });
});
afterAll(async () => {
  await collector.destroy();
});

function order(overrides: Record<string, unknown> = {}) {
  orderSeq += 1;
  return {
    id: `ord_${orderSeq}`,
    amount: 49900,
    currency: "SEK",
    email: `shopper${orderSeq}@example.com`,
    phone: `+4670${String(1000000 + orderSeq)}`,
    customer: { id: `c_${orderSeq}`, name: `Shopper ${orderSeq}` },
    shipping: { name: `Shopper ${orderSeq}`, line1: `Storgatan ${orderSeq}`, postalCode: "111 22", city: "Stockholm", country: "SE" },
    items: [{ sku: "HP1", name: "Headphones", category: "electronics", quantity: 1, unitPrice: 49900 }],
    ...overrides,
  };
}

/** Opens a stream like the script does, reports a device, and returns its first token. */
async function browserSession(visitorId: string, extra: Record<string, unknown> = {}): Promise<{ token: string; sid: string; client: StreamClient }> {
  const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
  const first = await client.next("token");
  client.send({ t: "signals", d: { visitorId, webdriver: false, userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0", ...extra } });
  await waitForSignals(first.sid, visitorId);
  return { token: first.token, sid: first.sid, client };
}

async function waitForSignals(sid: string, visitorId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const session = await collector.store.getSession(sid);
    if (session?.signals.visitorId === visitorId) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("signals never reached the session");
}

describe("operations routes", () => {
  it("answers /healthz", async () => {
    const response = await fetch(`${collector.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("serves the script with an ETag, gzip and revalidation", async () => {
    const plain = await fetch(`${collector.url}/v1/vakt.js`, { headers: { "accept-encoding": "identity" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toMatch(/javascript/);
    const etag = plain.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(plain.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const body = await plain.text();
    expect(body.length).toBeGreaterThan(1000);

    const raw = await new Promise<Buffer>((resolve, reject) => {
      import("node:http").then(({ get }) =>
        get(`${collector.url}/v1/vakt.js`, { headers: { "accept-encoding": "gzip" } }, (res) => {
          expect(res.headers["content-encoding"]).toBe("gzip");
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
        }),
      );
    });
    expect(gunzipSync(raw).toString()).toBe(body);

    const again = await fetch(`${collector.url}/v1/vakt.js`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });

  it("answers unknown routes with 404 and wrong methods with 405, as JSON errors", async () => {
    const missing = await fetch(`${collector.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toBe("not_found");
    const wrong = await fetch(`${collector.url}/v1/assess`);
    expect(wrong.status).toBe(405);
    expect((await wrong.json()).error).toBe("method_not_allowed");
  });
});

describe("tokens", () => {
  it("sends a token as soon as the stream opens, checkable offline against the JWKS", async () => {
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
    const frame = await client.next("token");
    client.close();
    const jwks = await (await fetch(`${collector.url}/v1/jwks.json`)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(jwks.keys[0].d).toBeUndefined();
    const header = decodeProtectedHeader(frame.token);
    expect(header).toMatchObject({ alg: "EdDSA", kid: jwks.keys[0].kid });
    const { payload } = await jwtVerify(frame.token, createLocalJWKSet(jwks), { issuer: "http://127.0.0.1:8787", audience: SITE_KEY });
    expect(payload.sub).toBe(frame.sid);
    expect(typeof payload.jti).toBe("string");
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(frame.ttlMs).toBe(600_000);
  });

  it("issues a fresh token with a new jti on request", async () => {
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
    const first = await client.next("token");
    client.send({ t: "token" });
    const second = await client.next("token", 1);
    client.close();
    expect(second.sid).toBe(first.sid);
    expect(second.token).not.toBe(first.token);
  });

  it("refuses the upgrade from an origin the site does not list, and an unknown site key", async () => {
    await expect(StreamClient.connect(collector.url, SITE_KEY, "http://evil.example")).rejects.toThrow(/403/);
    await expect(StreamClient.connect(collector.url, "pk_nope", ORIGIN)).rejects.toThrow(/404/);
  });

  it("counts stream connections and frames by type in /metrics", async () => {
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
    await client.next("token");
    client.send({ t: "signals", d: { webdriver: false } });
    client.sendRaw(Uint8Array.from([0xc1, 0xff, 0x00]));
    await client.next("error");
    const during = await (await fetch(`${collector.url}/metrics`)).text();
    expect(Number(/^vakt_stream_connections (\d+)$/m.exec(during)?.[1])).toBeGreaterThanOrEqual(1);
    expect(during).toMatch(/vakt_stream_frames_total\{type="signals",result="accepted"\} [1-9]/);
    expect(during).toMatch(/vakt_stream_frames_total\{type="malformed",result="refused"\} [1-9]/);
    client.close();
  });

  it("refuses malformed and invalid frames with an error frame and keeps serving the socket", async () => {
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
    await client.next("token");
    client.sendRaw(Uint8Array.from([0xc1, 0xff, 0x00]));
    const malformed = await client.next("error");
    expect(malformed.code).toBe("malformed_frame");
    const count = client.frames.length;
    client.send({ t: "signals", d: { webdriver: "yes" } });
    const invalid = await client.next("error", count);
    expect(invalid).toMatchObject({ code: "invalid_frame" });
    expect(invalid.message).toMatch(/^d\.webdriver: /);
    const before = client.frames.length;
    client.send({ t: "token" });
    await client.next("token", before);
    client.close();
  });
});

describe("POST /v1/assess", () => {
  it("refuses a missing or wrong secret key with 401", async () => {
    expect((await collector.api("POST", "/v1/assess", { order: order() }, "nope_nope_nope")).status).toBe(401);
    const response = await fetch(`${collector.url}/v1/assess`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe("unauthorized");
  });

  it("refuses bad bodies with 400 naming the field", async () => {
    const noId = await collector.api("POST", "/v1/assess", { order: { amount: 100 } });
    expect(noId).toMatchObject({ status: 400, body: { error: "invalid_request", path: "order.id" } });
    const badEmail = await collector.api("POST", "/v1/assess", { order: order({ email: "not-an-email" }) });
    expect(badEmail.body).toMatchObject({ error: "invalid_request", path: "order.email" });
    const badItem = await collector.api("POST", "/v1/assess", { order: order({ items: [{ quantity: "2" }] }) });
    expect(badItem.body.path).toBe("order.items[0].quantity");
    const unknownField = await collector.api("POST", "/v1/assess", { order: order(), extra: 1 });
    expect(unknownField.status).toBe(400);
    const badJson = await fetch(`${collector.url}/v1/assess`, { method: "POST", headers: { authorization: "Bearer sk_test_vakt_secret", "content-type": "application/json" }, body: "{" });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).message).toMatch(/not valid JSON/);
    const noType = await fetch(`${collector.url}/v1/assess`, { method: "POST", headers: { authorization: "Bearer sk_test_vakt_secret" }, body: "{}" });
    expect(noType.status).toBe(400);
  });

  it("refuses a body over 64 KB with 413 and keeps serving", async () => {
    const big = await collector.api("POST", "/v1/assess", { order: order({ items: [{ name: "x".repeat(70_000), quantity: 1 }] }) });
    expect(big).toMatchObject({ status: 413, body: { error: "too_large" } });
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
  });

  it("assesses an order without a token, recording it and giving the token status as a reason", async () => {
    const result = await collector.api("POST", "/v1/assess", { order: order() });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ orderId: `ord_${orderSeq}`, token: { status: "missing" }, decision: "challenge", device: null, shadow: [] });
    expect(result.body.id).toMatch(/^att_/);
    expect(result.body.reasons).toContainEqual(expect.objectContaining({ rule: "token", severity: "medium" }));
    const rules = result.body.matrix.map((m: { rule: string }) => m.rule);
    expect(rules[0]).toBe("token");
    expect(rules).toEqual(expect.arrayContaining(["device_identities", "address_names", "graylist", "ip_velocity", "email_velocity"]));
    for (const row of result.body.matrix) {
      expect(row.status).toBe("ok");
      expect(row.ms).toBeGreaterThanOrEqual(0);
    }
    const stored = await collector.api("GET", `/v1/attempts/${result.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id: result.body.id, decision: "challenge", label: null, review: null });
  });

  it("allows a clean order with a valid token and reports the device", async () => {
    const { token, client } = await browserSession("visitor-clean-1");
    client.close();
    const result = await collector.api("POST", "/v1/assess", { token, ip: "203.0.113.7", order: order() });
    expect(result.body).toMatchObject({ decision: "allow", score: 0, token: { status: "valid" }, reasons: [] });
    expect(result.body.device).toMatchObject({ attempts: 1 });
    expect(result.body.device.id).toMatch(/^dev_/);
  });

  it("is idempotent per token and order id, and calls another order with the same token reused", async () => {
    const { token, client } = await browserSession("visitor-idem-1");
    client.close();
    const body = { token, order: order() };
    const first = await collector.api("POST", "/v1/assess", body);
    const [again, racing] = await Promise.all([collector.api("POST", "/v1/assess", body), collector.api("POST", "/v1/assess", body)]);
    expect(again.body).toEqual(first.body);
    expect(racing.body.id).toBe(first.body.id);
    const reused = await collector.api("POST", "/v1/assess", { token, order: order() });
    expect(reused.body.token.status).toBe("reused");
    expect(reused.body.id).not.toBe(first.body.id);
    expect(reused.body.reasons).toContainEqual(expect.objectContaining({ rule: "token", severity: "high" }));
  });

  it("gives invalid, wrong_site and expired statuses without failing the call", async () => {
    const invalid = await collector.api("POST", "/v1/assess", { token: "eyJhbGciOiJub25lIn0.e30.", order: order() });
    expect(invalid.body.token.status).toBe("invalid");

    const { token, client } = await browserSession("visitor-site-1");
    client.close();
    const foreign = await collector.api("POST", "/v1/assess", { token, order: order() }, OTHER_SECRET_KEY);
    expect(foreign.body.token.status).toBe("wrong_site");

    const [key] = await collector.store.getSigningKeys();
    const privateKey = await importJWK(key!.privateJwk as JWK, "EdDSA");
    const nowS = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA", kid: key!.kid })
      .setIssuer("http://127.0.0.1:8787")
      .setAudience(SITE_KEY)
      .setSubject("ses_whatever_session")
      .setJti("expired-jti-1")
      .setIssuedAt(nowS - 700)
      .setExpirationTime(nowS - 100)
      .sign(privateKey);
    const late = await collector.api("POST", "/v1/assess", { token: expired, order: order() });
    expect(late.body.token.status).toBe("expired");
    expect(late.body.reasons).toContainEqual(expect.objectContaining({ rule: "token", severity: "low" }));
    expect(OTHER_SITE_KEY).not.toBe(SITE_KEY);
  });

  it("flags automation reported by the script", async () => {
    const { token, client } = await browserSession("visitor-bot-1", { webdriver: true, userAgent: "Mozilla/5.0 HeadlessChrome/156.0.0.0" });
    client.close();
    const result = await collector.api("POST", "/v1/assess", { token, order: order() });
    expect(result.body.decision).not.toBe("allow");
    expect(result.body.reasons).toContainEqual(expect.objectContaining({ rule: "automation", severity: "high" }));
  });

  it("escalates one device cycling through identities to one address", async () => {
    const decisions: string[] = [];
    let last: any;
    for (let i = 0; i < 4; i++) {
      const { token, client } = await browserSession("visitor-ring-1");
      client.close();
      const shipping = { name: `Ring Member ${i}`, line1: "Drop Street 1", postalCode: "11122", city: "Stockholm", country: "SE" };
      last = await collector.api("POST", "/v1/assess", { token, order: order({ email: `ring${i}@example.com`, shipping, customer: { name: `Ring Member ${i}` } }) });
      decisions.push(last.body.decision);
    }
    expect(decisions[0]).toBe("allow");
    expect(["review", "deny"]).toContain(decisions[3]);
    const rules = last.body.reasons.map((r: { rule: string }) => r.rule);
    expect(rules).toContain("device_identities");
    expect(rules).toContain("address_names");
    expect(last.body.device.attempts).toBe(4);
    const stored = await collector.api("GET", `/v1/attempts/${last.body.id}`);
    expect(stored.body.review).toMatchObject({ status: "open" });
  });
});

describe("labels", () => {
  it("graylists a fraud's identifiers so a later attempt sharing one is flagged", async () => {
    const fraud = await collector.api("POST", "/v1/assess", { order: order({ phone: "+46 70 999 88 77" }) });
    const labelled = await collector.api("POST", "/v1/labels", { orderId: fraud.body.orderId, label: "fraud", reason: "chargeback" });
    expect(labelled).toMatchObject({ status: 200, body: { attempt: fraud.body.id, label: "fraud" } });
    const later = await collector.api("POST", "/v1/assess", { order: order({ phone: "0046709998877" }) });
    expect(later.body.reasons).toContainEqual(expect.objectContaining({ rule: "graylist", severity: "high" }));
    expect(later.body.decision).not.toBe("allow");
    const stored = await collector.api("GET", `/v1/attempts/${fraud.body.id}`);
    expect(stored.body.label).toMatchObject({ label: "fraud", reason: "chargeback" });
  });

  it("refuses unknown attempts, other sites' attempts and bad bodies", async () => {
    expect((await collector.api("POST", "/v1/labels", { attempt: "att_nope", label: "fraud" })).status).toBe(404);
    const mine = await collector.api("POST", "/v1/assess", { order: order() });
    expect((await collector.api("POST", "/v1/labels", { attempt: mine.body.id, label: "fraud" }, OTHER_SECRET_KEY)).status).toBe(404);
    expect((await collector.api("GET", `/v1/attempts/${mine.body.id}`, undefined, OTHER_SECRET_KEY)).status).toBe(404);
    const bad = await collector.api("POST", "/v1/labels", { attempt: mine.body.id, label: "maybe" });
    expect(bad.body).toMatchObject({ error: "invalid_request", path: "label" });
    const both = await collector.api("POST", "/v1/labels", { attempt: mine.body.id, orderId: "x", label: "legit" });
    expect(both.status).toBe(400);
  });
});

describe("restart", () => {
  it("keeps attempts, labels, the graylist and the signing key across a restart", async () => {
    const jwksBefore = await (await fetch(`${collector.url}/v1/jwks.json`)).json();
    const fraud = await collector.api("POST", "/v1/assess", { order: order({ email: "keep.me+x@gmail.com" }) });
    await collector.api("POST", "/v1/labels", { attempt: fraud.body.id, label: "fraud" });
    collector = await collector.restart();
    const jwksAfter = await (await fetch(`${collector.url}/v1/jwks.json`)).json();
    expect(jwksAfter).toEqual(jwksBefore);
    const stored = await collector.api("GET", `/v1/attempts/${fraud.body.id}`);
    expect(stored.body.label.label).toBe("fraud");
    const later = await collector.api("POST", "/v1/assess", { order: order({ email: "Keepme@googlemail.com" }) });
    expect(later.body.reasons.map((r: { rule: string }) => r.rule)).toContain("graylist");
  });
});
