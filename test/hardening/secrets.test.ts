/**
 * The secrets a collector holds (site secret keys, the console password and session key, the token
 * signing keys, the identifier hash key, the contact key) are never served nor logged: a session touching every route,
 * including their error paths and mistakes a merchant might make, is recorded byte for byte, and
 * neither its answers nor the process's output contain any of them in any encoding.
 */
import { pack } from "msgpackr";
import { join } from "node:path";
import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { LmdbStore } from "../../collector/store/lmdb/lmdb-store.js";
import { spawnCollector } from "./child-collector.js";
import { rawRequest } from "./raw-http.js";
import { mustOpen, openStream } from "./ws-client.js";

const SITE_KEY = "pk_test_secrets";
const SECRET_KEY = "sk_test_secrets_3f9a1c77e2b44d0c";
const OTHER_SECRET_KEY = "sk_test_secrets_other_91b2c3d4";
const CONSOLE_PASSWORD = "console-pw-8c1e5a2f";
const ORIGIN = "http://127.0.0.1:1";

/** A secret as it could appear: raw text, or its bytes as hex, base64 and base64url. */
function encodings(secret: Buffer | string): string[] {
  const bytes = Buffer.isBuffer(secret) ? secret : Buffer.from(secret);
  const out = [bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url")];
  if (!Buffer.isBuffer(secret)) out.push(secret);
  // A long prefix is enough to count as a leak (and survives a truncated log line).
  return out.map((text) => text.slice(0, 24));
}

describe("secrets", () => {
  it("are never in any answer of a full session nor in anything the collector prints", async () => {
    const collector = await spawnCollector({
      store: { kind: "lmdb", path: "data" },
      console: { password: CONSOLE_PASSWORD },
      sites: [
        { siteKey: SITE_KEY, secretKey: SECRET_KEY, origins: [ORIGIN] },
        { siteKey: "pk_test_secrets_2", secretKey: OTHER_SECRET_KEY, origins: [ORIGIN] },
      ],
    });
    const seen: Buffer[] = [];
    const record = async (res: Promise<{ status: number; headers: Record<string, unknown>; text: string }>) => {
      const answer = await res;
      seen.push(Buffer.from(JSON.stringify(answer.headers)), Buffer.from(answer.text, "latin1"));
      return answer;
    };
    const api = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
      record(rawRequest(`${collector.url}${path}`, { method, headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json", ...headers }, ...(body === undefined ? {} : { body }) }));
    try {
      for (const path of ["/healthz", "/v1/vakt.js", "/v1/jwks.json", "/metrics", "/nope", `/v1/stream?k=${SECRET_KEY}`]) await api("GET", path);
      const stream = await mustOpen(collector.url, { siteKey: SITE_KEY, origin: ORIGIN, ip: "203.0.113.5" });
      stream.socket.on("message", (data: Buffer) => seen.push(data));
      stream.socket.send(pack({ t: "signals", d: { webdriver: false, timezone: "Europe/Stockholm" } }));
      stream.socket.send(Buffer.from([0xc1]));
      stream.socket.send(pack({ t: "report", m: "TypeError: x is undefined" }));
      stream.socket.send(pack({ t: "token" }));
      const frames = await stream.waitFrames(3);
      const token = (frames.find((f) => f.t === "token") as { token: string }).token;
      stream.socket.close();
      await stream.closed;
      const mistaken = await openStream(collector.url, { siteKey: SECRET_KEY, origin: ORIGIN, ip: "203.0.113.5" });
      seen.push(Buffer.from(mistaken.ok ? "" : mistaken.body));

      const collect = await rawRequest(`${collector.url}/v1/collect?k=${SITE_KEY}`, { headers: { "content-type": "text/plain", origin: ORIGIN }, body: pack([{ t: "token" }]) });
      seen.push(Buffer.from(collect.text, "latin1"));

      const order = { id: "ord_secret_1", email: "s@example.com", amount: 5000 };
      const assessed = await api("POST", "/v1/assess", JSON.stringify({ token, order }));
      expect(assessed.status).toBe(200);
      const attemptId = JSON.parse(assessed.text).id as string;
      await api("POST", "/v1/assess", JSON.stringify({ token, order }));
      await api("POST", "/v1/assess", JSON.stringify({ token: SECRET_KEY, order: { id: "ord_secret_2" } }));
      await api("POST", "/v1/assess", JSON.stringify({ order: { id: SECRET_KEY.slice(0, 5), secretKey: SECRET_KEY } }));
      await api("POST", "/v1/assess", "{not json", {});
      await api("POST", "/v1/assess", Buffer.alloc(70_000, 0x20));
      await api("POST", "/v1/assess", JSON.stringify({ order }), { authorization: `Bearer ${SECRET_KEY}x` });
      await api("POST", "/v1/assess", JSON.stringify({ order }), { authorization: SECRET_KEY });
      await api("POST", "/v1/labels", JSON.stringify({ attempt: attemptId, label: "fraud", reason: "chargeback" }));
      await api("POST", "/v1/labels", JSON.stringify({ attempt: attemptId, label: "maybe" }));
      await api("GET", `/v1/attempts/${attemptId}`);
      await api("GET", `/v1/attempts/${attemptId}`, undefined, { authorization: `Bearer ${OTHER_SECRET_KEY}` });
      await api("GET", "/v1/shadow-report?hours=1");
      await api("POST", "/v1/admin/reload", "", { authorization: `Bearer ${CONSOLE_PASSWORD}` });
      await api("POST", "/v1/admin/reload", "", { authorization: `Bearer ${CONSOLE_PASSWORD}-wrong` });
      await api("DELETE", "/v1/assess");
      await api("GET", "/console");
      await api("POST", "/console/api/login", JSON.stringify({ password: `${CONSOLE_PASSWORD}-wrong` }));
      const login = await api("POST", "/console/api/login", JSON.stringify({ password: CONSOLE_PASSWORD }));
      expect(login.status).toBe(200);
      const cookie = String((login.headers["set-cookie"] as string[])[0]).split(";")[0]!;
      await api("GET", "/console/api/session", undefined, { cookie });
      await api("GET", "/console/api/reviews", undefined, { cookie });
      await api("GET", `/console/api/attempts/${attemptId}`, undefined, { cookie });
      expect(await collector.stop()).toBe(0);

      const store = new LmdbStore(join(collector.dir, "data"));
      const signingKeys = await store.getSigningKeys();
      const hashKey = await store.getOrCreateSecret("identifier-hash-key", () => Buffer.alloc(0));
      const contactKey = await store.getOrCreateSecret("contact-key", () => Buffer.alloc(0));
      const sessionKey = await store.getOrCreateSecret("console-session-key", () => Buffer.alloc(0));
      await store.close();
      expect(signingKeys.length).toBeGreaterThan(0);
      expect([hashKey.length, contactKey.length, sessionKey.length]).toEqual([32, 32, 32]);

      const secrets: [string, string[]][] = [
        ["site secret key", encodings(SECRET_KEY)],
        ["other site's secret key", encodings(OTHER_SECRET_KEY)],
        ["console password", encodings(CONSOLE_PASSWORD)],
        ["identifier hash key", encodings(hashKey)],
        ["contact key", encodings(contactKey)],
        ["console session key", encodings(sessionKey)],
        ...signingKeys.map((key): [string, string[]] => ["signing key", [(key.privateJwk as JWK).d!.slice(0, 24)]]),
      ];
      const answers = Buffer.concat(seen).toString("latin1");
      const output = collector.output();
      expect(output).toMatch(/listening on/);
      for (const [what, forms] of secrets) {
        for (const form of forms) {
          expect(answers.includes(form), `${what} (${form}) in an answer`).toBe(false);
          expect(output.includes(form), `${what} (${form}) in the output`).toBe(false);
        }
      }
    } finally {
      await collector.destroy();
    }
  });
});
