import type { TemplatedApp } from "uWebSockets.js";
import { z } from "zod";
import { LoginLimiter } from "../console/login-limiter.js";
import { computeOverview, type Overview } from "../console/overview.js";
import { CONSOLE_CSS, CONSOLE_HEADERS, CONSOLE_OFF_PAGE, CONSOLE_SHELL } from "../console/page.js";
import { attemptDetail, listQueue } from "../console/reviews.js";
import { ConsoleSessions, readCookie, SESSION_COOKIE, sessionCookie, type Session } from "../console/session.js";
import { HttpError, toErrorResponse } from "../errors.js";
import type { Labeler } from "../labels.js";
import type { Store } from "../store/types.js";
import { clientIp } from "./client-ip.js";
import { staticAsset } from "./static-asset.js";
import { json, readJson, serve, type Reply, type RequestInfo } from "./uws-http.js";
import { parseBody } from "./parse-body.js";

export interface ConsoleDeps {
  store: Store;
  labeler: Labeler;
  /** Undefined when no password is configured: the console is off. */
  sessions: ConsoleSessions | undefined;
  limiter: LoginLimiter;
  publicUrl: string;
  trustedProxies: ReadonlySet<string>;
  siteKeys: string[];
  ruleIds: string[];
  /** The built console bundle (dist/public/console.js), undefined when it was not built. */
  script: Buffer | undefined;
  now?: () => number;
}

interface Context {
  deps: ConsoleDeps;
  sessions: ConsoleSessions;
  session: Session | undefined;
  readBody: () => Promise<Buffer>;
}

type ConsoleHandler = (req: RequestInfo, ctx: Context) => Promise<Reply> | Reply;

interface ConsoleRoute {
  method: "get" | "post";
  pattern: string;
  paramCount?: number;
  /** Public routes are the page, its assets and the login; every other route needs a session (and, for a post, the CSRF header). */
  isPublic?: boolean;
  handler: ConsoleHandler;
}

const MAX_BODY_BYTES = 16 * 1024;
const CSRF_HEADER = "x-vakt-csrf";
const OVERVIEW_DAYS = 14;
const OVERVIEW_PER_DAY_CAP = 10_000;
const OVERVIEW_CACHE_MS = 30_000;

const loginSchema = z.strictObject({ password: z.string().max(1000) });
const labelSchema = z.strictObject({ label: z.enum(["legit", "fraud"]), note: z.string().max(1000).optional() });
const hours = z.coerce.number().positive().max(24 * 365);
const queueSchema = z.strictObject({
  site: z.string().max(200).optional(),
  rule: z.string().max(100).optional(),
  maxAgeHours: hours.optional(),
  minAgeHours: hours.optional(),
  before: z.string().regex(/^att_[A-Za-z0-9_-]{1,60}$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const page = (status: number, body: string): Reply => ({ status, body, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

const login: ConsoleHandler = async (req, { deps, sessions, readBody }) => {
  const address = clientIp(req.remoteIp, req.headers.get("x-forwarded-for"), deps.trustedProxies);
  const waitMs = deps.limiter.retryAfterMs(address);
  if (waitMs > 0) return locked(waitMs);
  const { password } = parseBody(loginSchema, await readJson(req, readBody));
  if (!sessions.isPassword(password)) {
    const lockedMs = deps.limiter.fail(address);
    if (lockedMs > 0) return locked(lockedMs);
    throw new HttpError(401, "unauthorized", "wrong password");
  }
  deps.limiter.succeed(address);
  const { cookie, session } = sessions.issue();
  const maxAgeSeconds = Math.floor((session.expiresAtMs - (deps.now ?? Date.now)()) / 1000);
  return json(200, sessionBody(deps, session), { "set-cookie": sessionCookie(cookie, { isSecure: isHttps(deps), maxAgeSeconds }) });
};

function locked(waitMs: number): Reply {
  const seconds = Math.ceil(waitMs / 1000);
  return json(429, { error: "rate_limited", message: `too many wrong passwords from this address: try again in ${seconds} s` }, { "retry-after": String(seconds) });
}

const isHttps = (deps: ConsoleDeps) => deps.publicUrl.startsWith("https:");

function sessionBody(deps: ConsoleDeps, session: Session) {
  return { csrf: session.csrf, expiresAt: new Date(session.expiresAtMs).toISOString(), sites: deps.siteKeys, rules: deps.ruleIds };
}

const overviewCache = new WeakMap<ConsoleDeps, { atMs: number; overview: Promise<Overview> }>();

/** Every console route. The API routes are listed by `CONSOLE_API_ROUTES` for the test that checks each refuses without a session. */
const ROUTES: ConsoleRoute[] = [
  { method: "get", pattern: "/console", isPublic: true, handler: () => page(200, CONSOLE_SHELL) },
  { method: "get", pattern: "/console/", isPublic: true, handler: () => page(200, CONSOLE_SHELL) },
  {
    method: "get",
    pattern: "/console/console.css",
    isPublic: true,
    handler: (req, { readBody }) => cssAsset(req, readBody),
  },
  {
    method: "get",
    pattern: "/console/console.js",
    isPublic: true,
    handler: (req, { deps, readBody }) => {
      if (!deps.script) throw new HttpError(503, "unavailable", "the console is not built: run `npm run build`");
      return scriptAsset(deps.script)(req, readBody);
    },
  },
  { method: "post", pattern: "/console/api/login", isPublic: true, handler: login },
  {
    method: "post",
    pattern: "/console/api/logout",
    handler: () => json(200, { loggedOut: true }, { "set-cookie": `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0` }),
  },
  { method: "get", pattern: "/console/api/session", handler: (_req, { deps, session }) => json(200, sessionBody(deps, session!)) },
  {
    method: "get",
    pattern: "/console/api/reviews",
    handler: async (req, { deps }) => {
      const filter = parseBody(queueSchema, Object.fromEntries(req.query));
      if (filter.site !== undefined && !deps.siteKeys.includes(filter.site)) throw new HttpError(400, "invalid_request", `site: no site ${filter.site}`, { path: "site" });
      return json(200, await listQueue(deps.store, filter, (deps.now ?? Date.now)()));
    },
  },
  {
    method: "get",
    pattern: "/console/api/attempts/:id",
    paramCount: 1,
    handler: async (req, { deps }) => json(200, await attemptDetail(deps.store, await findAttempt(deps, req.params[0] ?? ""))),
  },
  {
    method: "post",
    pattern: "/console/api/attempts/:id/label",
    paramCount: 1,
    handler: async (req, { deps, readBody }) => {
      const attempt = await findAttempt(deps, req.params[0] ?? "");
      const body = parseBody(labelSchema, await readJson(req, readBody));
      await deps.labeler.label(attempt.siteKey, { attempt: attempt.id }, body.label, body.note === undefined || body.note.trim() === "" ? undefined : body.note.trim());
      return json(200, await attemptDetail(deps.store, (await deps.store.getAttempt(attempt.id))!));
    },
  },
  {
    method: "get",
    pattern: "/console/api/overview",
    handler: async (_req, { deps }) => {
      const nowMs = (deps.now ?? Date.now)();
      let cached = overviewCache.get(deps);
      if (!cached || nowMs - cached.atMs > OVERVIEW_CACHE_MS) {
        cached = { atMs: nowMs, overview: computeOverview(deps.store, { nowMs, days: OVERVIEW_DAYS, perDayCap: OVERVIEW_PER_DAY_CAP }) };
        overviewCache.set(deps, cached);
        cached.overview.catch(() => overviewCache.delete(deps));
      }
      return json(200, await cached.overview);
    },
  },
];

export const CONSOLE_API_ROUTES: readonly { method: "get" | "post"; pattern: string; isPublic: boolean }[] = ROUTES.filter((r) => r.pattern.startsWith("/console/api/")).map((r) => ({
  method: r.method,
  pattern: r.pattern,
  isPublic: r.isPublic === true,
}));

const cssAsset = withConsoleHeaders(staticAsset(Buffer.from(CONSOLE_CSS), "text/css; charset=utf-8", 60));
const scriptAssets = new WeakMap<Buffer, ReturnType<typeof staticAsset>>();
function scriptAsset(script: Buffer) {
  let asset = scriptAssets.get(script);
  if (!asset) {
    asset = withConsoleHeaders(staticAsset(script, "text/javascript; charset=utf-8", 60));
    scriptAssets.set(script, asset);
  }
  return asset;
}

/** The static asset handler, without its cross-origin headers (these are the console's own files). */
function withConsoleHeaders(handler: ReturnType<typeof staticAsset>): (req: RequestInfo, readBody: () => Promise<Buffer>) => Reply {
  return (req, readBody) => {
    const reply = handler(req, readBody) as Reply;
    const { "access-control-allow-origin": _acao, "cross-origin-resource-policy": _corp, ...headers } = reply.headers ?? {};
    return { ...reply, headers };
  };
}

async function findAttempt(deps: ConsoleDeps, id: string) {
  const attempt = /^att_[A-Za-z0-9_-]{1,60}$/.test(id) ? await deps.store.getAttempt(id) : undefined;
  if (!attempt || !deps.siteKeys.includes(attempt.siteKey)) throw new HttpError(404, "not_found", `no attempt ${id}`);
  return attempt;
}

/** A state-changing call must come from the console's own page: the Origin, when sent, must be the collector's. */
function isSameOrigin(req: RequestInfo, deps: ConsoleDeps): boolean {
  const origin = req.headers.get("origin");
  if (origin === undefined) return true;
  const publicOrigin = new URL(deps.publicUrl).origin;
  const scheme = isHttps(deps) ? "https" : "http";
  return origin === publicOrigin || origin === `${scheme}://${req.headers.get("host") ?? ""}`;
}

/**
 * The one gate every console route passes: the console must be on, the method must match, a
 * non-public route needs a valid session cookie, and a post also the session's CSRF token in
 * `x-vakt-csrf` and a same-origin Origin. Errors become the contract's JSON; every reply gets the
 * console's security headers.
 */
function guard(deps: ConsoleDeps, routes: ConsoleRoute[], onError: (err: unknown, req: RequestInfo) => void) {
  return async (req: RequestInfo, readBody: () => Promise<Buffer>): Promise<Reply> => {
    let reply: Reply;
    try {
      reply = await dispatch(deps, routes, req, readBody);
    } catch (err) {
      const { status, body, isUnexpected } = toErrorResponse(err);
      if (isUnexpected) onError(err, req);
      reply = json(status, body);
    }
    return { ...reply, headers: { ...reply.headers, ...CONSOLE_HEADERS } };
  };
}

async function dispatch(deps: ConsoleDeps, routes: ConsoleRoute[], req: RequestInfo, readBody: () => Promise<Buffer>): Promise<Reply> {
  const route = routes.find((r) => r.method === req.method);
  if (!route) throw new HttpError(405, "method_not_allowed", `${req.method.toUpperCase()} is not allowed on ${req.path}`);
  const sessions = deps.sessions;
  if (!sessions) {
    if (route.pattern.startsWith("/console/api/")) throw new HttpError(404, "not_found", "the console is off: set console.password in the config");
    return page(404, CONSOLE_OFF_PAGE);
  }
  let session: Session | undefined;
  if (!route.isPublic) {
    session = sessions.verify(readCookie(req.headers.get("cookie"), SESSION_COOKIE));
    if (!session) throw new HttpError(401, "unauthorized", "log in to the console first");
  }
  if (route.method === "post") {
    if (!isSameOrigin(req, deps)) return json(403, { error: "forbidden", message: "cross-origin request refused" });
    if (session && !sessions.isCsrf(session, req.headers.get(CSRF_HEADER))) {
      return json(403, { error: "forbidden", message: `missing or wrong ${CSRF_HEADER} header` });
    }
  }
  return route.handler(req, { deps, sessions, session, readBody });
}

/** Mounts every console route on the app, each pattern once for any method (the gate answers 405). */
export function mountConsole(app: TemplatedApp, deps: ConsoleDeps, onError: (err: unknown, req: RequestInfo) => void): void {
  const byPattern = new Map<string, ConsoleRoute[]>();
  for (const route of ROUTES) byPattern.set(route.pattern, [...(byPattern.get(route.pattern) ?? []), route]);
  for (const [pattern, routes] of byPattern) {
    serve(app, "any", pattern, guard(deps, routes, onError), { maxBodyBytes: MAX_BODY_BYTES, paramCount: routes[0]!.paramCount ?? 0, onError });
  }
}
