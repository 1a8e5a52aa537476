import uWS, { type TemplatedApp, type WebSocket } from "uWebSockets.js";
import { MAX_FRAME_BYTES, STREAM_PATH, type ServerFrame } from "../../sdk/protocol.js";
import type { SiteConfig } from "../config.js";
import { clientIp } from "../http/client-ip.js";
import { newId } from "../ids.js";
import { checkClientFrame } from "../protocol/client-frame.js";
import { decodeFrame, encodeFrame } from "../protocol/codec.js";
import type { SessionRecord, Store } from "../store/types.js";
import type { TokenService } from "../token.js";

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
}

export interface StreamDeps {
  store: Store;
  tokens: TokenService;
  sites: ReadonlyMap<string, SiteConfig>;
  trustedProxies: ReadonlySet<string>;
  log: (line: string) => void;
}

const FRAME_WINDOW_MS = 10_000;
const MAX_FRAMES_PER_WINDOW = 200;
const MAX_PENDING_FRAMES = 16;
const SESSION_ID = /^ses_[A-Za-z0-9_-]{10,40}$/;

/**
 * The script's WebSocket: the upgrade checks the site key and the page's origin, the open creates
 * (or resumes) a session and sends its first token at once, and each frame either merges signals
 * into the session or asks for a fresh token. Bad frames are refused with an error frame; the socket
 * is closed only for floods.
 */
export function mountStream(app: TemplatedApp, deps: StreamDeps): void {
  const send = (ws: WebSocket<StreamSocketData>, frame: ServerFrame) => {
    if (!ws.getUserData().isClosed) ws.send(encodeFrame(frame), true);
  };
  const sendToken = async (ws: WebSocket<StreamSocketData>) => {
    const { session } = ws.getUserData();
    if (!session) return;
    const { token } = await deps.tokens.issue(session.siteKey, session.id);
    send(ws, { t: "token", sid: session.id, token, ttlMs: deps.tokens.ttlMs });
  };

  const handleFrame = (ws: WebSocket<StreamSocketData>, session: SessionRecord, bytes: Uint8Array) => {
    let decoded: unknown;
    try {
      decoded = decodeFrame(bytes);
    } catch {
      send(ws, { t: "error", code: "malformed_frame", message: "the frame is not valid msgpack" });
      return;
    }
    const check = checkClientFrame(decoded);
    if (!check.ok) {
      send(ws, { t: "error", code: "invalid_frame", message: check.message });
      return;
    }
    if (check.frame.t === "token") {
      sendToken(ws).catch((err: unknown) => deps.log(`stream: could not issue a token: ${String(err)}`));
      return;
    }
    session.signals = { ...session.signals, ...check.frame.d };
    session.updatedAtMs = Date.now();
    deps.store.putSession(session).catch((err: unknown) => deps.log(`stream: could not store signals: ${String(err)}`));
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
      const site = deps.sites.get(siteKey);
      const refuse = (status: string, message: string) => {
        res.cork(() => res.writeStatus(status).end(message));
      };
      if (!site) return refuse("404 Not Found", "unknown site key");
      if (!site.origins.includes(origin)) return refuse("403 Forbidden", "origin not allowed for this site key");
      const resume = query.get("sid") ?? "";
      const data: StreamSocketData = {
        siteKey,
        resumeSessionId: SESSION_ID.test(resume) ? resume : "",
        ip: clientIp(Buffer.from(res.getRemoteAddressAsText()).toString(), req.getHeader("x-forwarded-for") || undefined, deps.trustedProxies),
        origin,
        pending: [],
        isClosed: false,
        windowStartMs: Date.now(),
        framesInWindow: 0,
      };
      res.upgrade(data, req.getHeader("sec-websocket-key"), req.getHeader("sec-websocket-protocol"), req.getHeader("sec-websocket-extensions"), context);
    },

    open: (ws) => {
      const data = ws.getUserData();
      openSession(deps.store, data, deps.log)
        .then(async (session) => {
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
      }
      if (++data.framesInWindow > MAX_FRAMES_PER_WINDOW) {
        ws.end(1008, "too many frames");
        return;
      }
      const bytes = new Uint8Array(message.slice(0));
      if (data.session) handleFrame(ws, data.session, bytes);
      else if (data.pending.length < MAX_PENDING_FRAMES) data.pending.push(bytes);
      else ws.end(1008, "too many frames before the session opened");
    },

    close: (ws) => {
      ws.getUserData().isClosed = true;
    },
  });
}

async function openSession(store: Store, data: StreamSocketData, log: (line: string) => void): Promise<SessionRecord> {
  const nowMs = Date.now();
  if (data.resumeSessionId) {
    const existing = await store.getSession(data.resumeSessionId);
    if (existing && existing.siteKey === data.siteKey) return existing;
  }
  const session: SessionRecord = { id: newId("ses", nowMs), siteKey: data.siteKey, createdAtMs: nowMs, updatedAtMs: nowMs, ip: data.ip, origin: data.origin, signals: {} };
  // Not awaited: the first token should not wait for a disk commit; the write lands long before any order.
  store.putSession(session).catch((err: unknown) => log(`stream: could not store a new session: ${String(err)}`));
  return session;
}
