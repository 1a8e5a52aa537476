/**
 * The script's HTTP fallback, for pages whose network will not open the WebSocket (proxies, CSPs):
 * `POST /v1/collect?k=SITE_KEY[&sid=SESSION_ID]`, body a msgpack array of client frames, answer a
 * msgpack array of server frames. The same session and token logic as the stream (stream/sessions.ts).
 *
 * The script sends `Content-Type: text/plain`, so the browser makes a simple CORS request without a
 * preflight; the answer names the page's origin in `Access-Control-Allow-Origin` only when the origin
 * is one of the site's, and anything else is refused before the body is read.
 */
import type { TemplatedApp } from "uWebSockets.js";
import { COLLECT_PATH, MAX_COLLECT_FRAMES, MAX_FRAME_BYTES, type ServerFrame } from "../../sdk/protocol.js";
import { HttpError } from "../errors.js";
import { KeyedLock } from "../keyed-lock.js";
import { decodeFrame, encodeFrame } from "../protocol/codec.js";
import { applyFrame, checkSite, countFrame, openSession, ReportLog, resumableSessionId, tokenFrame, type SessionDeps } from "../stream/sessions.js";
import { clientIp } from "./client-ip.js";
import { rateLimited } from "./rate-limit.js";
import { serve, type Handler, type RequestInfo } from "./uws-http.js";

/** Room for a full request of frames. */
const MAX_BODY_BYTES = 4 * MAX_FRAME_BYTES;
/** Per client address: a page in fallback sends a few frames a second at most. */
const WINDOW_MS = 10_000;
const MAX_FRAMES_PER_WINDOW = 600;
const MAX_TRACKED_ADDRESSES = 50_000;

/** Frames per client address per window; forgets everything when it tracks too many addresses. */
class FrameBudget {
  private readonly windows = new Map<string, { startMs: number; frames: number }>();

  /** 0 when the frames fit in the address's window, otherwise the seconds until the window ends. */
  take(key: string, frames: number): number {
    const nowMs = Date.now();
    let window = this.windows.get(key);
    if (!window || nowMs - window.startMs >= WINDOW_MS) {
      if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.clear();
      window = { startMs: nowMs, frames: 0 };
      this.windows.set(key, window);
    }
    window.frames += frames;
    return window.frames <= MAX_FRAMES_PER_WINDOW ? 0 : Math.max(1, Math.ceil((window.startMs + WINDOW_MS - nowMs) / 1000));
  }
}

function corsHeaders(origin: string): Record<string, string> {
  return { "access-control-allow-origin": origin, vary: "Origin", "cache-control": "no-store" };
}

/** The site and origin must match before anything else is looked at. */
function allowedOrigin(deps: SessionDeps, req: RequestInfo): { siteKey: string; origin: string } {
  const siteKey = req.query.get("k") ?? "";
  const origin = req.headers.get("origin") ?? "";
  const site = checkSite(deps.sites, siteKey, origin);
  if (!site.ok) throw site.status === 404 ? new HttpError(404, "not_found", site.message) : new HttpError(403, "unauthorized", site.message);
  return { siteKey, origin };
}

function decodeFrames(body: Buffer): unknown[] {
  let frames: unknown;
  try {
    frames = decodeFrame(body);
  } catch {
    throw new HttpError(400, "invalid_request", "the body is not valid msgpack");
  }
  if (!Array.isArray(frames)) throw new HttpError(400, "invalid_request", "the body must be a msgpack array of frames");
  if (frames.length > MAX_COLLECT_FRAMES) throw new HttpError(400, "invalid_request", `at most ${MAX_COLLECT_FRAMES} frames per request`);
  return frames;
}

export function collect(deps: SessionDeps): Handler {
  const reports = new ReportLog(deps.log);
  const budget = new FrameBudget();
  // One request at a time per session, so that two requests' signals cannot overwrite each other.
  const locks = new KeyedLock();
  let newSessions = 0;

  return async (req, readBody) => {
    const { siteKey, origin } = allowedOrigin(deps, req);
    const ip = clientIp(req.remoteIp, req.headers.get("x-forwarded-for"), deps.trustedProxies);
    const frames = decodeFrames(await readBody());
    const wait = budget.take(ip, Math.max(1, frames.length));
    if (wait > 0) return rateLimited(wait, "(frames) from this address", corsHeaders(origin));

    const resumeSessionId = resumableSessionId(req.query.get("sid"));
    const answer = await locks.run(resumeSessionId || `new:${newSessions++}`, async () => {
      const { session, isNew } = await openSession(deps.store, { siteKey, resumeSessionId, ip, origin }, deps.log);
      const visitorBefore = session.signals.visitorId;
      const out: ServerFrame[] = [];
      let wantsToken = isNew;
      let hasSignals = false;
      for (const decoded of frames) {
        const outcome = applyFrame(session, decoded, reports);
        countFrame(deps, outcome);
        if (outcome.kind === "refused") out.push(outcome.frame);
        else if (outcome.kind === "token") wantsToken = true;
        else if (outcome.kind === "signals") hasSignals = true;
      }
      // Awaited, unlike the stream: the page may be leaving, and this answer is its last word. A new
      // session too: the page's next request names it, and must find it even on a busy store.
      if (hasSignals || isNew) await deps.store.putSession(session);
      // A first or changed device: a fresh token carries its hash (see stream-core.ts).
      if (session.signals.visitorId && session.signals.visitorId !== visitorBefore) wantsToken = true;
      if (wantsToken) out.unshift(await tokenFrame(deps.tokens, session));
      return out;
    });
    return { status: 200, body: encodeFrame(answer), headers: { "content-type": "application/x-msgpack", ...corsHeaders(origin) } };
  };
}

/** A preflight, for clients that send more than a simple request; every other method is refused. */
function preflight(deps: SessionDeps): Handler {
  return (req) => {
    if (req.method !== "options") throw new HttpError(405, "method_not_allowed", `${req.method.toUpperCase()} is not allowed on ${COLLECT_PATH}`);
    const { origin } = allowedOrigin(deps, req);
    return {
      status: 204,
      body: "",
      headers: { ...corsHeaders(origin), "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type", "access-control-max-age": "600" },
    };
  };
}

/** Mounts `POST /v1/collect` (and its preflight) on the app. */
export function mountCollect(app: TemplatedApp, deps: SessionDeps): void {
  const onError = (err: unknown, req: RequestInfo) =>
    deps.log(`error: ${req.method.toUpperCase()} ${req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  serve(app, "post", COLLECT_PATH, collect(deps), { maxBodyBytes: MAX_BODY_BYTES, onError });
  serve(app, "any", COLLECT_PATH, preflight(deps), { maxBodyBytes: 0, onError });
}
