import uWS, { type HttpResponse, type TemplatedApp, type WebSocket } from "uWebSockets.js";
import { MAX_FRAME_BYTES, STREAM_PATH, type ServerFrame } from "../../sdk/protocol.js";
import { clientIp } from "../http/client-ip.js";
import { ConnectionCounter, RateLimiter, type BucketLimit } from "../http/rate-limit.js";
import { SECURITY_HEADERS } from "../http/uws-http.js";
import { decodeFrame, encodeFrame } from "../protocol/codec.js";
import type { SessionRecord } from "../store/types.js";
import { applyFrame, checkSite, countFrame, openSession, ReportLog, resumableSessionId, tokenFrame, type SessionDeps } from "./sessions.js";

interface StreamSocketData {
  siteKey: string;
  resumeSessionId: string;
  ip: string;
  origin: string;
  session?: SessionRecord;
  /** Frames that arrived while the session was being opened, handled once it is. */
  pending: Uint8Array[];
  isClosed: boolean;
  windowStartMs: number;
  framesInWindow: number;
  tokensInWindow: number;
  /** Counted against the address's open streams (and to be released on close). */
  isCounted: boolean;
}

export interface StreamLimits {
  connectionsPerIp: number;
  opensPerIp: BucketLimit;
  framesPerIp: BucketLimit;
}

export type StreamDeps = SessionDeps & { limits: StreamLimits };

const FRAME_WINDOW_MS = 10_000;
const MAX_FRAMES_PER_WINDOW = 200;
const MAX_PENDING_FRAMES = 16;
/** A token costs a signature (the dearest thing a frame can ask for); a page needs one per TTL. */
const MAX_TOKENS_PER_WINDOW = 20;

/**
 * The script's WebSocket: the upgrade checks the site key and the page's origin, the open creates
 * (or resumes) a session and sends its first token at once, and each frame merges signals into the
 * session, asks for a fresh token or reports a script error. Bad frames are refused with an error
 * frame; the socket is closed only for floods.
 */
export function mountStream(app: TemplatedApp, deps: StreamDeps): { closeAll(): void } {
  const reports = new ReportLog(deps.log);
  const sockets = new Set<WebSocket<StreamSocketData>>();
  const connections = new ConnectionCounter(deps.limits.connectionsPerIp);
  const opens = new RateLimiter(deps.limits.opensPerIp);
  const frames = new RateLimiter(deps.limits.framesPerIp);
  const send = (ws: WebSocket<StreamSocketData>, frame: ServerFrame) => {
    if (!ws.getUserData().isClosed) ws.send(encodeFrame(frame), true);
  };
  const sendToken = async (ws: WebSocket<StreamSocketData>) => {
    const { session } = ws.getUserData();
    if (session) send(ws, await tokenFrame(deps.tokens, session));
  };

  const handleFrame = (ws: WebSocket<StreamSocketData>, session: SessionRecord, bytes: Uint8Array) => {
    let decoded: unknown;
    try {
      decoded = decodeFrame(bytes);
    } catch {
      countFrame(deps, "malformed");
      send(ws, { t: "error", code: "malformed_frame", message: "the frame is not valid msgpack" });
      return;
    }
    const outcome = applyFrame(session, decoded, reports);
    countFrame(deps, outcome);
    if (outcome.kind === "refused") send(ws, outcome.frame);
    else if (outcome.kind === "token") {
      const data = ws.getUserData();
      if (++data.tokensInWindow > MAX_TOKENS_PER_WINDOW) return void (data.isClosed || ws.end(1008, "too many token requests"));
      sendToken(ws).catch((err: unknown) => deps.log(`stream: could not issue a token: ${String(err)}`));
    } else if (outcome.kind === "signals") deps.store.putSession(session).catch((err: unknown) => deps.log(`stream: could not store signals: ${String(err)}`));
  };

  app.ws<StreamSocketData>(STREAM_PATH, {
    compression: uWS.DISABLED,
    maxPayloadLength: MAX_FRAME_BYTES,
    maxBackpressure: 64 * 1024,
    closeOnBackpressureLimit: 1,
    idleTimeout: 120,
    sendPingsAutomatically: true,

    upgrade: (res, req, context) => {
      const query = new URLSearchParams(req.getQuery() ?? "");
      const siteKey = query.get("k") ?? "";
      const origin = req.getHeader("origin");
      const ip = clientIp(Buffer.from(res.getRemoteAddressAsText()).toString(), req.getHeader("x-forwarded-for") || undefined, deps.trustedProxies);
      const site = checkSite(deps.sites, siteKey, origin);
      if (!site.ok) return refuse(res, site.status === 404 ? "404 Not Found" : "403 Forbidden", site.message);
      if (connections.count(ip) >= deps.limits.connectionsPerIp) return refuse(res, "429 Too Many Requests", "too many open streams from this address", 60);
      const wait = opens.take(ip);
      if (wait > 0) return refuse(res, "429 Too Many Requests", "too many new streams from this address", wait);
      const data: StreamSocketData = {
        siteKey,
        resumeSessionId: resumableSessionId(query.get("sid")),
        ip,
        origin,
        pending: [],
        isClosed: false,
        windowStartMs: Date.now(),
        framesInWindow: 0,
        tokensInWindow: 0,
        isCounted: false,
      };
      res.upgrade(data, req.getHeader("sec-websocket-key"), req.getHeader("sec-websocket-protocol"), req.getHeader("sec-websocket-extensions"), context);
    },

    open: (ws) => {
      deps.metrics?.streamConnections.inc();
      const data = ws.getUserData();
      sockets.add(ws);
      data.isCounted = connections.tryOpen(data.ip);
      // The upgrade checked the count; streams upgraded at the same moment may still overshoot it.
      if (!data.isCounted) return void ws.end(1013, "too many open streams from this address");
      openSession(deps.store, data, deps.log)
        .then(async ({ session }) => {
          data.session = session;
          await sendToken(ws);
          for (const bytes of data.pending.splice(0)) handleFrame(ws, session, bytes);
        })
        .catch((err: unknown) => deps.log(`stream: could not open a session: ${String(err)}`));
    },

    message: (ws, message) => {
      const data = ws.getUserData();
      const nowMs = Date.now();
      if (nowMs - data.windowStartMs > FRAME_WINDOW_MS) {
        data.windowStartMs = nowMs;
        data.framesInWindow = 0;
        data.tokensInWindow = 0;
      }
      if (++data.framesInWindow > MAX_FRAMES_PER_WINDOW) {
        ws.end(1008, "too many frames");
        return;
      }
      if (frames.take(data.ip) > 0) {
        ws.end(1008, "too many frames from this address");
        return;
      }
      const bytes = new Uint8Array(message.slice(0));
      if (data.session) handleFrame(ws, data.session, bytes);
      else if (data.pending.length < MAX_PENDING_FRAMES) data.pending.push(bytes);
      else ws.end(1008, "too many frames before the session opened");
    },

    close: (ws) => {
      deps.metrics?.streamConnections.dec();
      const data = ws.getUserData();
      data.isClosed = true;
      if (data.isCounted) connections.close(data.ip);
      sockets.delete(ws);
    },
  });

  return {
    /** Going away (the script reconnects, to another collector if there is one). */
    closeAll() {
      for (const ws of [...sockets]) if (!ws.getUserData().isClosed) ws.end(1001, "collector shutting down");
    },
  };
}

/** Answers an upgrade with an error instead of a socket. */
function refuse(res: HttpResponse, status: string, message: string, retryAfterSeconds?: number): void {
  res.cork(() => {
    res.writeStatus(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.writeHeader(name, value);
    res.writeHeader("content-type", "text/plain; charset=utf-8");
    if (retryAfterSeconds !== undefined) res.writeHeader("retry-after", String(retryAfterSeconds));
    res.end(message);
  });
}
