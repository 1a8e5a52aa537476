/**
 * The challenge's HTTP API on a real collector, e-mailing codes through a real SMTP server on
 * 127.0.0.1: the merchant's ticket, the page's calls with CORS for the site's origins only, the code
 * read from the received mail, limits, and a clear JSON error for every bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { startSmtp, type TestSmtp } from "../helpers/smtp.js";

const ORIGIN = "http://127.0.0.1:5173";
let smtp: TestSmtp;
let collector: TestCollector;
let orders = 0;

beforeAll(async () => {
  smtp = await startSmtp();
  collector = await startTestCollector({ origins: [ORIGIN], notify: { smtp: { host: "127.0.0.1", port: smtp.port, from: "no-reply@shop.example" } } });
});
afterAll(async () => {
  await collector?.destroy();
  await smtp?.close();
});

/** An order without a token: the default ruleset challenges it (one medium). */
async function challengedAttempt(email: string): Promise<{ id: string; ticket: string }> {
  const assessed = await collector.api("POST", "/v1/assess", { order: { id: `ord_${++orders}`, email, phone: "+46701234567", amount: 19900, currency: "SEK" } });
  expect(assessed.body.decision).toBe("challenge");
  const opened = await collector.api("POST", "/v1/challenges", { attempt: assessed.body.id });
  expect(opened.status).toBe(200);
  return { id: assessed.body.id, ticket: opened.body.ticket };
}

async function page(id: string, action: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${collector.url}/v1/challenges/${id}/${action}`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "text/plain", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("challenge API", () => {
  it("passes with the code from the received e-mail, and the attempt reads allow", async () => {
    const { id, ticket } = await challengedAttempt("anna@example.com");
    const state = await page(id, "state", { ticket });
    expect(state.status).toBe(200);
    expect(state.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    // No SMS gateway is configured: only e-mail is offered.
    expect(state.body).toMatchObject({ attempt: id, status: "pending", channels: [{ channel: "email", to: "a•••@example.com" }], sent: null });

    const sent = await page(id, "send", { ticket, channel: "email", lang: "sv" });
    expect(sent.body.sent).toMatchObject({ channel: "email", to: "a•••@example.com" });
    const code = await smtp.nextCode("anna@example.com");
    const mail = smtp.mails.at(-1)!;
    expect(mail.raw).toMatch(/^Subject: Din verifieringskod/m);
    expect(mail.raw).toMatch(/^From: no-reply@shop\.example/m);
    expect(mail.text).toContain(`Din verifieringskod är ${code}.`);

    const verified = await page(id, "verify", { ticket, code });
    expect(verified.body.status).toBe("passed");
    const stored = await collector.api("GET", `/v1/attempts/${id}`);
    expect(stored.body).toMatchObject({ decision: "allow", challenge: { status: "passed", channel: "email" } });
  });

  it("rate limits resends with a Retry-After", async () => {
    const { id, ticket } = await challengedAttempt("bo@example.com");
    expect((await page(id, "send", { ticket, channel: "email" })).status).toBe(200);
    await smtp.nextCode("bo@example.com");
    const again = await page(id, "send", { ticket, channel: "email" });
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ error: "rate_limited", retryAfterSeconds: expect.any(Number) });
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers the page's origin only", async () => {
    const { id, ticket } = await challengedAttempt("cilla@example.com");
    const foreign = await page(id, "state", { ticket }, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe("forbidden_origin");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${collector.url}/v1/challenges/${id}/send`, { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  it("refuses every bad input with a JSON error", async () => {
    const { id, ticket } = await challengedAttempt("dan@example.com");
    // Three mediums (no token, a disposable e-mail, a first order 13 times the usual): review, not challenge.
    const reviewed = await collector.api("POST", "/v1/assess", { order: { id: `ord_${++orders}`, email: "x@mailinator.com", amount: 2_000_000, currency: "SEK" } });
    expect(reviewed.body, JSON.stringify(reviewed.body)).toMatchObject({ decision: "review" });
    const cases: [Promise<{ status: number; body: any }>, number, string, string?][] = [
      [page(id, "state", { ticket: "vct_forged" }), 404, "not_found"],
      [page("att_nope", "state", { ticket }), 404, "not_found"],
      [page(id, "explode", { ticket }), 404, "not_found"],
      [page(id, "state", "{not json"), 400, "invalid_request"],
      [page(id, "state", { ticket }, { "content-type": "application/x-www-form-urlencoded" }), 400, "invalid_request"],
      [page(id, "state", {}), 400, "invalid_request", "ticket"],
      [page(id, "send", { ticket, channel: "pigeon" }), 400, "invalid_request", "channel"],
      [page(id, "send", { ticket, channel: "phone" }), 400, "invalid_request", "channel"],
      [page(id, "verify", { ticket, code: "12" }), 400, "invalid_request", "code"],
      [page(id, "verify", { ticket, code: "123456" }), 409, "no_code"],
      [page(id, "state", { ticket, extra: 1 }), 400, "invalid_request"],
      [page(id, "state", "x".repeat(5000)), 413, "too_large"],
      [collector.api("POST", "/v1/challenges", { attempt: id }, OTHER_SECRET_KEY), 404, "not_found"],
      [collector.api("POST", "/v1/challenges", { attempt: reviewed.body.id }), 409, "not_challenged"],
      [page(reviewed.body.id, "state", { ticket }), 404, "not_found"],
      [collector.api("POST", "/v1/challenges", {}), 400, "invalid_request", "attempt"],
      [collector.api("POST", "/v1/challenges", { attempt: id }, "sk_wrong_wrong_wrong"), 401, "unauthorized"],
    ];
    for (const [call, status, error, path] of cases) {
      const { status: got, body } = await call;
      expect({ status: got, error: body?.error, ...(path ? { path: body.path } : {}) }).toEqual({ status, error, ...(path ? { path } : {}) });
      expect(typeof body.message).toBe("string");
    }
    const wrongMethod = await fetch(`${collector.url}/v1/challenges/${id}/state`);
    expect(wrongMethod.status).toBe(405);
    const noAction = await fetch(`${collector.url}/v1/challenges/${id}`, { method: "POST" });
    expect(noAction.status).toBe(404);
    expect((await noAction.json()).error).toBe("not_found");
  });

  it("serves the widget bundle, cacheable", async () => {
    const response = await fetch(`${collector.url}/v1/challenge.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("javascript");
    expect(response.headers.get("cache-control")).toContain("max-age");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const etag = response.headers.get("etag")!;
    expect((await fetch(`${collector.url}/v1/challenge.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
  });
});
