import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_API_ROUTES } from "../../collector/http/console.js";
import { OTHER_SECRET_KEY, OTHER_SITE_KEY, SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";

const PASSWORD = "console-test-password";
let collector: TestCollector;
let seq = 0;

beforeAll(async () => {
  collector = await startTestCollector({ console: { password: PASSWORD }, trustProxy: ["127.0.0.1"] });
});
afterAll(async () => {
  await collector?.destroy();
});

interface Login {
  cookie: string;
  csrf: string;
}

async function login(password = PASSWORD, address = "198.51.100.1"): Promise<Response> {
  return fetch(`${collector.url}/console/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ password }),
  });
}

async function session(): Promise<Login> {
  const response = await login();
  expect(response.status).toBe(200);
  const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
  return { cookie, csrf: (await response.json()).csrf };
}

async function consoleCall(auth: Login | undefined, method: "GET" | "POST", path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${collector.url}/console/api/${path}`, {
    method,
    headers: {
      ...(auth ? { cookie: auth.cookie } : {}),
      ...(auth && method === "POST" ? { "x-vakt-csrf": auth.csrf } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function assess(fields: Record<string, unknown>, secret?: string) {
  seq += 1;
  const answer = await collector.api("POST", "/v1/assess", { order: { id: `ord_console_${seq}`, amount: 24900, currency: "SEK", ...fields } }, secret);
  expect(answer.status).toBe(200);
  return answer.body as { id: string; decision: string; reasons: { rule: string; severity: string; detail: string }[] };
}

/** An attempt the default ruleset sends to review: it shares a phone with a confirmed fraud (graylist, high). */
async function reviewSharingPhone(phone: string, fields: Record<string, unknown> = {}, secret?: string) {
  const fraud = await assess({ email: `fraud.${seq}@example.com`, phone }, secret);
  expect((await collector.api("POST", "/v1/labels", { attempt: fraud.id, label: "fraud" }, secret)).status).toBe(200);
  const attempt = await assess({ email: `buyer.${seq}@example.com`, phone, ...fields }, secret);
  expect(attempt.decision).toBe("review");
  return { fraud, attempt };
}

describe("console API: authentication", () => {
  it("refuses every API route without a valid session", async () => {
    const { attempt } = await reviewSharingPhone("+46701230001");
    const guarded = CONSOLE_API_ROUTES.filter((route) => !route.isPublic);
    expect(guarded.map((r) => r.pattern)).toEqual(expect.arrayContaining(["/console/api/reviews", "/console/api/attempts/:id", "/console/api/attempts/:id/label", "/console/api/overview", "/console/api/session", "/console/api/logout"]));
    const forged = { cookie: "vakt_console=lz0000000.AAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", csrf: "x" };
    for (const route of guarded) {
      const path = route.pattern.replace("/console/api/", "").replace(":id", attempt.id);
      const body = route.method === "post" ? { label: "fraud" } : undefined;
      for (const auth of [undefined, forged]) {
        const answer = await consoleCall(auth, route.method.toUpperCase() as "GET" | "POST", path, body);
        expect(answer.status, `${route.method} ${route.pattern}`).toBe(401);
        expect(answer.body.error).toBe("unauthorized");
      }
    }
    expect((await collector.api("GET", `/v1/attempts/${attempt.id}`)).body.label).toBeNull();
  });

  it("logs in with the password: an HttpOnly, SameSite=Strict cookie scoped to /console, and a CSRF token", async () => {
    const response = await login();
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^vakt_console=[^;]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const body = await response.json();
    expect(body.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.sites).toEqual([SITE_KEY, OTHER_SITE_KEY]);
    const auth = { cookie: cookie.split(";")[0]!, csrf: body.csrf };
    expect((await consoleCall(auth, "GET", "session")).body.csrf).toBe(body.csrf);
  });

  it("locks an address out after five wrong passwords, with 429 and Retry-After, while other addresses still log in", async () => {
    const address = "203.0.113.77";
    for (let i = 0; i < 4; i++) expect((await login("wrong-password", address)).status).toBe(401);
    const fifth = await login("wrong-password", address);
    expect(fifth.status).toBe(429);
    expect((await fifth.json()).error).toBe("rate_limited");
    expect(Number(fifth.headers.get("retry-after"))).toBeGreaterThan(60);
    const rightButLocked = await login(PASSWORD, address);
    expect(rightButLocked.status).toBe(429);
    expect(rightButLocked.headers.get("set-cookie")).toBeNull();
    expect((await login(PASSWORD, "203.0.113.78")).status).toBe(200);
  });

  it("refuses a state-changing call without the session's CSRF token or from another origin", async () => {
    const { attempt } = await reviewSharingPhone("+46701230002");
    const auth = await session();
    const other = await session();
    const post = (headers: Record<string, string>) => consoleCall({ ...auth, csrf: headers["x-vakt-csrf"] ?? "" }, "POST", `attempts/${attempt.id}/label`, { label: "legit" }, headers);
    expect((await post({})).status).toBe(403);
    expect((await post({ "x-vakt-csrf": other.csrf })).status).toBe(403);
    const crossSite = await post({ "x-vakt-csrf": auth.csrf, origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error).toBe("forbidden");
    expect((await collector.api("GET", `/v1/attempts/${attempt.id}`)).body.label).toBeNull();
    expect((await post({ "x-vakt-csrf": auth.csrf, origin: collector.url })).status).toBe(200);
  });

  it("ends the session on logout (the browser drops the cookie)", async () => {
    const auth = await session();
    const out = await consoleCall(auth, "POST", "logout");
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^vakt_console=; Path=\/console; .*Max-Age=0/);
  });
});

describe("console API: the queue and an attempt", () => {
  it("lists open reviews newest first, filtered by site, rule and age, paged", async () => {
    const auth = await session();
    const first = await reviewSharingPhone("+46701230003");
    const second = await reviewSharingPhone("+46701230004");
    const elsewhere = await reviewSharingPhone("+46701230005", {}, OTHER_SECRET_KEY);

    const all = (await consoleCall(auth, "GET", "reviews")).body;
    const ids = all.items.map((item: { id: string }) => item.id);
    expect(ids.indexOf(elsewhere.attempt.id)).toBeLessThan(ids.indexOf(second.attempt.id));
    expect(ids.indexOf(second.attempt.id)).toBeLessThan(ids.indexOf(first.attempt.id));
    expect(all.items[0]).toMatchObject({ decision: "review", reasons: expect.arrayContaining([{ rule: "graylist", severity: "high" }]) });

    const site = (await consoleCall(auth, "GET", `reviews?site=${OTHER_SITE_KEY}`)).body.items.map((item: { id: string }) => item.id);
    expect(site).toEqual([elsewhere.attempt.id]);
    expect((await consoleCall(auth, "GET", "reviews?rule=graylist")).body.items.length).toBe(all.items.length);
    expect((await consoleCall(auth, "GET", "reviews?rule=automation")).body.items).toEqual([]);
    expect((await consoleCall(auth, "GET", "reviews?maxAgeHours=1")).body.items.length).toBe(all.items.length);
    expect((await consoleCall(auth, "GET", "reviews?minAgeHours=1")).body.items).toEqual([]);

    const page1 = (await consoleCall(auth, "GET", "reviews?limit=1")).body;
    const page2 = (await consoleCall(auth, "GET", `reviews?limit=1&before=${page1.next}`)).body;
    expect([page1.items[0].id, page2.items[0].id]).toEqual(ids.slice(0, 2));
    expect((await consoleCall(auth, "GET", "reviews?site=pk_nope")).status).toBe(400);
  });

  it("shows an attempt's matrix, masked identifiers and linked prior attempts with their labels", async () => {
    const auth = await session();
    const items = [{ sku: "IP15", name: "iPhone 15", category: "electronics", quantity: 2, unitPrice: 12450 }];
    const { fraud, attempt } = await reviewSharingPhone("+46701230006", {
      items,
      customer: { name: "Anna Berg", segment: "restaurant" },
      shipping: { name: "Anna Berg", line1: "Storgatan 1", postalCode: "11122", city: "Stockholm", country: "SE" },
    });
    const detail = (await consoleCall(auth, "GET", `attempts/${attempt.id}`)).body;
    expect(detail.order).toEqual({ amount: 24900, currency: "SEK", items, shippingCountry: "SE", customerSegment: "restaurant" });
    for (const personal of ["Anna Berg", "Storgatan", "11122", "Stockholm"]) expect(JSON.stringify(detail)).not.toContain(personal);
    expect(detail).toMatchObject({ id: attempt.id, decision: "review", token: "missing", review: { status: "open" }, label: null });
    expect(detail.matrix.find((row: { rule: string }) => row.rule === "graylist")).toMatchObject({ severity: "high", status: "ok" });
    expect(detail.matrix.every((row: { ms: number }) => typeof row.ms === "number")).toBe(true);
    expect(detail.identifiers.map((id: { kind: string }) => id.kind)).toEqual(expect.arrayContaining(["email", "phone"]));
    expect(JSON.stringify(detail)).not.toContain("+46701230006");
    expect(JSON.stringify(detail)).not.toContain("@example.com");
    expect(detail.links).toContainEqual(expect.objectContaining({ attempt: fraud.id, via: ["phone"], label: "fraud" }));
    expect((await consoleCall(auth, "GET", "attempts/att_nothere")).status).toBe(404);
  });

  it("rejecting writes a fraud label the next assess sees as graylist, and closes the review", async () => {
    const auth = await session();
    const { attempt } = await reviewSharingPhone("+46701230007", { email: "rejected.buyer@example.com" });
    const rejected = await consoleCall(auth, "POST", `attempts/${attempt.id}/label`, { label: "fraud", note: "card holder denied the order" });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ review: { status: "rejected" }, label: { label: "fraud", note: "card holder denied the order" } });
    const stored = (await collector.api("GET", `/v1/attempts/${attempt.id}`)).body;
    expect(stored.label).toMatchObject({ label: "fraud", reason: "card holder denied the order" });
    const queue = (await consoleCall(auth, "GET", "reviews")).body.items.map((item: { id: string }) => item.id);
    expect(queue).not.toContain(attempt.id);

    const next = await assess({ email: "rejected.buyer@example.com", phone: "+46709990001" });
    expect(next.reasons.find((r) => r.rule === "graylist")).toMatchObject({ severity: "high" });
    expect(next.reasons.find((r) => r.rule === "graylist")!.detail).toContain(attempt.id);
  });

  it("approving writes a legit label: the customer's next graylist match counts one level lower", async () => {
    const auth = await session();
    const customer = { id: "c_console_approved" };
    const { attempt } = await reviewSharingPhone("+46701230008", { email: "approved.buyer@example.com", customer });
    const approved = await consoleCall(auth, "POST", `attempts/${attempt.id}/label`, { label: "legit" });
    expect(approved.body).toMatchObject({ review: { status: "approved" }, label: { label: "legit", note: null } });

    const next = await assess({ email: "approved.buyer@example.com", customer, phone: "+46701230008" });
    const graylist = next.reasons.find((r) => r.rule === "graylist")!;
    expect(graylist.severity).toBe("medium");
    expect(graylist.detail).toContain("lowered");
    expect(next.decision).not.toBe("review");
  });

  it("refuses a label that is neither legit nor fraud", async () => {
    const auth = await session();
    const { attempt } = await reviewSharingPhone("+46701230009");
    const answer = await consoleCall(auth, "POST", `attempts/${attempt.id}/label`, { label: "maybe" });
    expect(answer.status).toBe(400);
    expect(answer.body.path).toBe("label");
  });
});

describe("console: page, overview, off switch", () => {
  it("serves the page with a CSP without inline scripts, no framing and nosniff", async () => {
    const response = await fetch(`${collector.url}/console`);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await response.text();
    expect(html).toMatch(/<script src="\/console\/console.js" defer><\/script>/);
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    const script = await fetch(`${collector.url}/console/console.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await fetch(`${collector.url}/console/api/reviews`, { method: "DELETE" })).status).toBe(405);
  });

  it("counts decisions per day per site, rule hit rates and timings", async () => {
    const auth = await session();
    const overview = (await consoleCall(auth, "GET", "overview")).body;
    expect(overview.days).toHaveLength(14);
    expect(overview.cappedDays).toEqual([]);
    const today = overview.decisions.find((d: { site: string }) => d.site === SITE_KEY).days.at(-1);
    expect(today.review).toBeGreaterThan(0);
    const graylist = overview.rules.find((r: { rule: string }) => r.rule === "graylist");
    expect(graylist.hits).toBeGreaterThan(0);
    expect(graylist.p99Ms).toBeGreaterThanOrEqual(graylist.p50Ms);
  });

  it("is off without a console password", async () => {
    const off = await startTestCollector();
    try {
      const page = await fetch(`${off.url}/console`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain("console.password");
      const login = await fetch(`${off.url}/console/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: "anything-at-all" }) });
      expect(login.status).toBe(404);
    } finally {
      await off.destroy();
    }
  });
});
