// The HTTP fallback (POST /v1/collect) against a real collector: the same sessions and tokens as the stream.
import { pack, unpack } from "msgpackr";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../sdk/protocol.js";
import { OTHER_SITE_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { StreamClient } from "../helpers/stream-client.js";

const ORIGIN = "http://127.0.0.1:1";
let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector({ origins: [ORIGIN] });
});
afterAll(async () => {
  await collector.destroy();
});

interface Answer {
  status: number;
  headers: Headers;
  frames: ServerFrame[];
  text: string;
}

/** What the script sends: a simple CORS POST, text/plain, a msgpack array of frames. */
async function collect(frames: unknown[] | Uint8Array, options: { sid?: string; siteKey?: string; origin?: string | null; ip?: string } = {}): Promise<Answer> {
  const query = new URLSearchParams({ k: options.siteKey ?? SITE_KEY, ...(options.sid ? { sid: options.sid } : {}) });
  const headers: Record<string, string> = { "content-type": "text/plain" };
  if (options.origin !== null) headers.origin = options.origin ?? ORIGIN;
  if (options.ip) headers["x-forwarded-for"] = options.ip;
  const response = await fetch(`${collector.url}/v1/collect?${query}`, { method: "POST", headers, body: new Uint8Array(frames instanceof Uint8Array ? frames : pack(frames)) });
  const bytes = Buffer.from(await response.arrayBuffer());
  const isMsgpack = response.headers.get("content-type") === "application/x-msgpack";
  return { status: response.status, headers: response.headers, frames: isMsgpack ? (unpack(bytes) as ServerFrame[]) : [], text: isMsgpack ? "" : bytes.toString() };
}

const tokenOf = (answer: Answer) => answer.frames.find((frame): frame is Extract<ServerFrame, { t: "token" }> => frame.t === "token");

describe("POST /v1/collect", () => {
  it("starts a session and answers with a token checkable against the JWKS, for the site's origin only", async () => {
    const answer = await collect([]);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(answer.headers.get("vary")).toBe("Origin");
    const token = tokenOf(answer)!;
    expect(token).toMatchObject({ t: "token", sid: expect.stringMatching(/^ses_/), ttlMs: 600_000 });
    const jwks = await (await fetch(`${collector.url}/v1/jwks.json`)).json();
    const { payload } = await jwtVerify(token.token, createLocalJWKSet(jwks), { issuer: "http://127.0.0.1:8787", audience: SITE_KEY });
    expect(payload.sub).toBe(token.sid);
  });

  it("merges signals into the session it names, and gives a token only when asked", async () => {
    const first = tokenOf(await collect([{ t: "signals", d: { webdriver: false, page: page(1) } }]))!;
    const quiet = await collect([{ t: "signals", d: { pointer: pointer(3) } }], { sid: first.sid });
    expect(quiet.frames).toEqual([]);
    const refreshed = await collect([{ t: "token" }], { sid: first.sid });
    expect(tokenOf(refreshed)).toMatchObject({ sid: first.sid });
    expect(tokenOf(refreshed)!.token).not.toBe(first.token);
    const session = await collector.store.getSession(first.sid);
    expect(session?.signals).toEqual({ webdriver: false, page: page(1), pointer: pointer(3) });
    expect(session?.origin).toBe(ORIGIN);
  });

  it("shares sessions with the stream: a session begun over HTTP is resumed over the WebSocket", async () => {
    const { sid } = tokenOf(await collect([{ t: "signals", d: { visitorId: "v-http" } }]))!;
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN, sid);
    const token = await client.next("token");
    client.send({ t: "signals", d: { fingerprintMs: 5 } });
    await waitFor(async () => (await collector.store.getSession(sid))?.signals.fingerprintMs === 5);
    client.close();
    expect(token.sid).toBe(sid);
    expect((await collector.store.getSession(sid))?.signals).toMatchObject({ visitorId: "v-http", fingerprintMs: 5 });
  });

  it("starts a new session for an unknown or another site's session id", async () => {
    const { sid } = tokenOf(await collect([]))!;
    const other = tokenOf(await collect([], { siteKey: OTHER_SITE_KEY, sid }))!;
    expect(other.sid).not.toBe(sid);
    const unknown = tokenOf(await collect([], { sid: "ses_doesnotexist0000" }))!;
    expect(unknown.sid).not.toBe("ses_doesnotexist0000");
  });

  it("refuses an unknown site key (404) and a foreign or missing origin (403), without CORS headers", async () => {
    const unknown = await collect([], { siteKey: "pk_nope" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: "not_found" });
    for (const origin of ["http://evil.example", null]) {
      const foreign = await collect([], { origin });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("refuses bodies that are not a msgpack array of at most 32 frames, and oversized bodies", async () => {
    expect((await collect(Uint8Array.from([0xc1]))).status).toBe(400);
    const notArray = await collect(pack({ t: "token" }));
    expect(notArray.status).toBe(400);
    expect(JSON.parse(notArray.text).message).toMatch(/array of frames/);
    expect((await collect(Array.from({ length: 33 }, () => ({ t: "token" })))).status).toBe(400);
    expect((await collect([{ t: "report", m: "x".repeat(100_000) }])).status).toBe(413);
  });

  it("refuses a bad frame with an error frame and still applies the others", async () => {
    const answer = await collect([{ t: "signals", d: { webdriver: "yes" } }, { t: "signals", d: { webdriver: true } }, { t: "nope" }]);
    expect(answer.status).toBe(200);
    const { sid } = tokenOf(answer)!;
    expect(answer.frames.filter((frame) => frame.t === "error")).toEqual([
      { t: "error", code: "invalid_frame", message: expect.stringMatching(/^d\.webdriver: /) },
      { t: "error", code: "invalid_frame", message: expect.any(String) },
    ]);
    expect((await collector.store.getSession(sid))?.signals).toEqual({ webdriver: true });
  });

  it("validates behaviour signals strictly: roles, counts and sizes", async () => {
    const field = { role: "email", keys: 1, typed: 1, pasted: 0, autofilled: 0, injected: 0, untrusted: 0, corrections: 0, focuses: 1, tabFocuses: 0, pointerFocuses: 1, focusMs: 10 };
    const bad = [
      { fields: [{ ...field, role: "password" }] },
      { fields: [{ ...field, keys: -1 }] },
      { fields: [{ ...field, value: "anna@example.com" }] },
      { fields: Array.from({ length: 31 }, () => field) },
      { pointer: { ...pointer(1), straightness: 1.5 } },
      { page: { ...page(1), referrer: "x".repeat(301) } },
      { automation: { traces: ["madeUp"] } },
    ];
    for (const d of bad) {
      const answer = await collect([{ t: "signals", d }]);
      expect(answer.frames.find((frame) => frame.t === "error"), JSON.stringify(d).slice(0, 80)).toMatchObject({ code: "invalid_frame" });
    }
    const good = await collect([{ t: "signals", d: { fields: [field], automation: { traces: ["noPlugins", "uaHints"] } } }]);
    expect(good.frames.map((frame) => frame.t)).toEqual(["token"]);
  });

  it("logs the script's error reports, quoted, at a low rate", async () => {
    const answer = await collect([{ t: "report", m: 'signal screen: TypeError: x\nforged line "quoted"' }]);
    expect(answer.status).toBe(200);
    const line = collector.logs.find((l) => l.startsWith("script report:"));
    expect(line).toContain(`site ${SITE_KEY} session ses_`);
    expect(line).toContain('"signal screen: TypeError: x\\nforged line \\"quoted\\""');
    const before = collector.logs.length;
    for (let i = 0; i < 3; i++) await collect(Array.from({ length: 10 }, (_, j) => ({ t: "report", m: `flood ${i}.${j}` })), { ip: "198.51.100.7" });
    expect(collector.logs.length - before).toBeLessThanOrEqual(20);
  });

  it("answers a preflight for the site's origin, and refuses other methods", async () => {
    const preflight = await fetch(`${collector.url}/v1/collect?k=${SITE_KEY}`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST");
    expect((await fetch(`${collector.url}/v1/collect?k=${SITE_KEY}`, { method: "OPTIONS", headers: { origin: "http://evil.example" } })).status).toBe(403);
    expect((await fetch(`${collector.url}/v1/collect?k=${SITE_KEY}`)).status).toBe(405);
  });

  it("limits frames per client address", async () => {
    const frames = Array.from({ length: 32 }, () => ({ t: "signals", d: { webdriver: false } }));
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 20; i++) statuses.push((last = await collect(frames)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(last!.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(JSON.parse(last!.text)).toMatchObject({ error: "rate_limited" });
  });
});

describe("the stream's report frame", () => {
  it("is accepted and logged; an overlong one is refused", async () => {
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
    await client.next("token");
    client.send({ t: "report", m: "signal automation: TypeError: over the stream" });
    client.send({ t: "report", m: "x".repeat(201) });
    const refused = await client.next("error");
    client.close();
    expect(refused.message).toMatch(/^m: /);
    expect(collector.logs.some((line) => line.includes("over the stream"))).toBe(true);
  });
});

function page(keys: number) {
  return { onPageMs: 5000, hides: 0, hiddenMs: 0, firstInputMs: 800, submits: 0, keys, presses: 2, untrusted: 0, referrer: "https://www.google.com" };
}
function pointer(clicks: number) {
  return { moves: 40, distancePx: 900, clicks, stillClicks: 0, taps: 0, approachMoves: 13.3, straightness: 0.91, speedPxPerS: 640 };
}
async function waitFor(test: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("never happened");
}
