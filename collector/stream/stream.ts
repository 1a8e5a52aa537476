import uWS, { type TemplatedApp, type WebSocket } from "uWebSockets.js";
import { MAX_FRAME_BYTES, STREAM_PATH, type ServerFrame } from "../../sdk/protocol.js";
import { clientIp } from "../http/client-ip.js";
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
}

export type StreamDeps = SessionDeps;

const FRAME_WINDOW_MS = 10_000;
const MAX_FRAMES_PER_WINDOW = 200;
const MAX_PENDING_FRAMES = 16;

/**
 * The script's WebSocket: the upgrade checks the site key and the page's origin, the open creates
 * (or resumes) a session and sends its first token at once, and each frame merges signals into the
 * session, asks for a fresh token or reports a script error. Bad frames are refused with an error
 * frame; the socket is closed only for floods.
 */
export function mountStream(app: TemplatedApp, deps: StreamDeps): void {
  const reports = new ReportLog(deps.log);
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
    else if (outcome.kind === "token") sendToken(ws).catch((err: unknown) => deps.log(`stream: could not issue a token: ${String(err)}`));
    else if (outcome.kind === "signals") deps.store.putSession(session).catch((err: unknown) => deps.log(`stream: could not store signals: ${String(err)}`));
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
      const site = checkSite(deps.sites, siteKey, origin);
      if (!site.ok) {
        const status = site.status === 404 ? "404 Not Found" : "403 Forbidden";
        res.cork(() => res.writeStatus(status).end(site.message));
        return;
      }
      const data: StreamSocketData = {
        siteKey,
        resumeSessionId: resumableSessionId(query.get("sid")),
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
      deps.metrics?.streamConnections.inc();
      const data = ws.getUserData();
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
      deps.metrics?.streamConnections.dec();
      ws.getUserData().isClosed = true;
    },
  });
}
