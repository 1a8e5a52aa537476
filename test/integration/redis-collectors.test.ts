import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../../collector/store/redis/redis-store.js";
import type { SigningKeyRecord } from "../../collector/store/types.js";
import { TokenService } from "../../collector/token.js";
import { SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { flushAll, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../helpers/redis.js";
import { StreamClient } from "../helpers/stream-client.js";

const ORIGIN = "http://127.0.0.1:1";
const RETENTION_MS = 90 * 86_400_000;
let orderSeq = 0;

const order = (fields: Record<string, unknown> = {}) => ({ id: `ord_multi_${++orderSeq}`, amount: 19900, currency: "SEK", ...fields });
const ruleOf = (answer: { reasons: { rule: string; detail: string }[] }, rule: string) => answer.reasons.find((r) => r.rule === rule);

/** Two collectors on one shared store, as behind a load balancer. */
describe.each([
  ["one Redis server", false],
  ["a three-master Redis Cluster", true],
] as const)("two collectors on %s", (_name, isCluster) => {
  let server: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  let a: TestCollector;
  let b: TestCollector;

  beforeAll(async () => {
    let store: Record<string, unknown>;
    if (isCluster) {
      cluster = await startRedisCluster();
      store = { kind: "redis", cluster: cluster.urls };
    } else {
      server = await startRedis();
      store = { kind: "redis", url: server.url };
    }
    // Started at once, as a deployment does: they must agree on one hash key and one signing key.
    [a, b] = await Promise.all([startTestCollector({ store }), startTestCollector({ store })]);
  });
  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await Promise.all([server?.destroy(), cluster?.destroy()]);
  });

  it("assesses on B a token from a session streamed on A, with A's signals", async () => {
    const client = await StreamClient.connect(a.url, SITE_KEY, ORIGIN);
    try {
      const first = await client.next("token");
      client.send({ t: "signals", d: { visitorId: "visitor-multi-1", webdriver: false } });
      await waitFor(async () => (await b.store.getSession(first.sid))?.signals.visitorId === "visitor-multi-1");

      const answer = (await b.api("POST", "/v1/assess", { token: first.token, order: order({ email: "cross@example.com" }) })).body;
      expect(answer.token.status).toBe("valid");
      expect(answer.device?.attempts).toBe(1);

      const again = (await a.api("POST", "/v1/assess", { token: first.token, order: order({ email: "cross@example.com" }) })).body;
      expect(again.token.status).toBe("reused");
      expect(again.device?.attempts).toBe(2);
      const stored = (await a.api("GET", `/v1/attempts/${answer.id}`)).body;
      expect(stored.id).toBe(answer.id);
    } finally {
      client.close();
    }
  });

  it("counts velocity over attempts made on both collectors", async () => {
    const answers = [];
    for (const collector of [a, b, a, b]) answers.push((await collector.api("POST", "/v1/assess", { order: order({ email: "velocity-multi@example.com" }) })).body);
    expect(ruleOf(answers[1]!, "email_velocity")).toBeUndefined();
    expect(ruleOf(answers[2]!, "email_velocity")?.detail).toMatch(/^3 attempts/);
    expect(ruleOf(answers[3]!, "email_velocity")?.detail).toMatch(/^4 attempts/);
  });

  it("publishes the same keys on both, so either JWKS verifies any token", async () => {
    const jwksA = await (await fetch(`${a.url}/v1/jwks.json`)).json();
    const jwksB = await (await fetch(`${b.url}/v1/jwks.json`)).json();
    expect(jwksB).toEqual(jwksA);
    for (const [issuer, verifier] of [[a, jwksB], [b, jwksA]] as const) {
      const client = await StreamClient.connect(issuer.url, SITE_KEY, ORIGIN);
      try {
        const { token } = await client.next("token");
        const { payload } = await jwtVerify(token, createLocalJWKSet(verifier), { audience: SITE_KEY });
        expect(payload.aud).toBe(SITE_KEY);
      } finally {
        client.close();
      }
    }
  });

  it("flags on B an identifier labelled fraud on A", async () => {
    const fraud = (await a.api("POST", "/v1/assess", { order: order({ phone: "+46701239876" }) })).body;
    const label = await a.api("POST", "/v1/labels", { attempt: fraud.id, label: "fraud" });
    expect(label.status).toBe(200);
    const later = (await b.api("POST", "/v1/assess", { order: order({ phone: "+46701239876" }) })).body;
    expect(ruleOf(later, "graylist")).toBeDefined();
  });
});

describe("signing keys on a shared store", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it("are created once when two collectors open the token service at the same moment", async () => {
    await flushAll([server.port]);
    const storeA = new RedisStore({ url: server.url }, { retentionMs: RETENTION_MS });
    const storeB = new RedisStore({ url: server.url }, { retentionMs: RETENTION_MS });
    // Forces the interleaving of a simultaneous start: both read "no keys" before either writes, and B writes after A has finished.
    let bHasRead!: () => void;
    const bRead = new Promise<void>((resolve) => (bHasRead = resolve));
    let aOpened!: () => void;
    const aDone = new Promise<void>((resolve) => (aOpened = resolve));
    const a = Object.assign(Object.create(storeA) as RedisStore, {
      putSigningKeys: async (records: SigningKeyRecord[]) => (await bRead, storeA.putSigningKeys(records)),
    });
    const b = Object.assign(Object.create(storeB) as RedisStore, {
      getSigningKeys: async () => {
        const found = await storeB.getSigningKeys();
        bHasRead();
        return found;
      },
      putSigningKeys: async (records: SigningKeyRecord[]) => (await aDone, storeB.putSigningKeys(records)),
    });
    try {
      const options = { issuer: "http://127.0.0.1:8787", ttlSeconds: 600 };
      const [serviceA, serviceB] = await Promise.all([TokenService.open(a, options).finally(aOpened), TokenService.open(b, options)]);
      expect(serviceB.publicJwks()).toEqual(serviceA.publicJwks());
      expect(serviceA.publicJwks().keys).toHaveLength(1);
      const { token } = await serviceA.issue(SITE_KEY, "ses_1");
      expect((await serviceB.verify(token, SITE_KEY)).status).toBe("valid");
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("condition not met within 2 s");
}
