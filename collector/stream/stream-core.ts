/**
 * The script's WebSocket stream without the WebSocket library: what an upgrade checks, what an open,
 * a message and a close do. stream.ts binds it to uWebSockets.js; bench/ws-collector.ts binds the same
 * code to Node's `http` + `ws`, so the benchmark compares transports, not two versions of the logic.
 */
import type { ServerFrame } from "../../sdk/protocol.js";
import { clientIp } from "../http/client-ip.js";
import { ConnectionCounter, RateLimiter, type BucketLimit } from "../http/rate-limit.js";
import { decodeFrame, encodeFrame } from "../protocol/codec.js";
import type { SessionRecord } from "../store/types.js";
import { SessionWrites } from "./session-writes.js";
import { applyFrame, checkSite, countFrame, openSession, ReportLog, resumableSessionId, tokenFrame, type SessionDeps } from "./sessions.js";

export interface StreamSocketData {
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

/** What the core needs of one socket: its data, sending a binary frame, and closing it with a code. */
export interface StreamTransport<Socket> {
  data(socket: Socket): StreamSocketData;
  send(socket: Socket, bytes: Buffer): void;
  end(socket: Socket, code: number, reason: string): void;
}

export interface UpgradeRequest {
  /** The URL's query string, without the `?`. */
  query: string;
  origin: string;
  remoteIp: string;
  forwardedFor: string | undefined;
}

export type UpgradeCheck = { ok: true; data: StreamSocketData } | { ok: false; status: 403 | 404 | 429; message: string; retryAfterSeconds?: number };

export const FRAME_WINDOW_MS = 10_000;
export const MAX_FRAMES_PER_WINDOW = 200;
const MAX_PENDING_FRAMES = 16;
/** A token costs a signature (the dearest thing a frame can ask for); a page needs one per TTL. */
const MAX_TOKENS_PER_WINDOW = 20;

export interface StreamCore<Socket> {
  upgrade(request: UpgradeRequest): UpgradeCheck;
  open(socket: Socket): void;
  /** `bytes` need only be valid during the call: a frame that must wait for the session is copied. */
  message(socket: Socket, bytes: Uint8Array): void;
  close(socket: Socket): void;
  /** Going away (the script reconnects, to another collector if there is one); resolves once every session is stored. */
  closeAll(): Promise<void>;
}

/**
 * The upgrade checks the site key and the page's origin, the open creates (or resumes) a session and
 * sends its first token at once, and each frame merges signals into the session, asks for a fresh
 * token or reports a script error. Bad frames are refused with an error frame; the socket is closed
 * only for floods. Sessions are kept in memory and stored as session-writes.ts describes: at once
 * on a submit, before a token is issued and on close, otherwise at most once a second.
 */
export function createStreamCore<Socket>(deps: StreamDeps, transport: StreamTransport<Socket>): StreamCore<Socket> {
  const reports = new ReportLog(deps.log);
  const sockets = new Set<Socket>();
  const connections = new ConnectionCounter(deps.limits.connectionsPerIp);
  const opens = new RateLimiter(deps.limits.opensPerIp);
  const frames = new RateLimiter(deps.limits.framesPerIp);
  const writes = new SessionWrites(deps.store, deps.log);
  const send = (socket: Socket, frame: ServerFrame) => {
    if (!transport.data(socket).isClosed) transport.send(socket, encodeFrame(frame));
  };
  const sendToken = async (socket: Socket) => {
    const { session } = transport.data(socket);
    if (!session) return;
    // The page gets the token only once the store has its session's changes: an assess with it sees them.
    await writes.writeIfDirty(session);
    send(socket, await tokenFrame(deps.tokens, session));
  };

  const handleFrame = (socket: Socket, session: SessionRecord, bytes: Uint8Array) => {
    let decoded: unknown;
    try {
      decoded = decodeFrame(bytes);
    } catch {
      countFrame(deps, "malformed");
      send(socket, { t: "error", code: "malformed_frame", message: "the frame is not valid msgpack" });
      return;
    }
    const visitorBefore = session.signals.visitorId;
    const outcome = applyFrame(session, decoded, reports);
    countFrame(deps, outcome);
    if (outcome.kind === "refused") send(socket, outcome.frame);
    else if (outcome.kind === "signals") {
      if (outcome.hasSubmit) void writes.writeNow(session);
      else writes.changed(session);
    }
    // A first or changed device: a fresh token carries its hash, so an assess reads its history at once.
    const isNewDevice = outcome.kind === "signals" && !!session.signals.visitorId && session.signals.visitorId !== visitorBefore;
    if (outcome.kind === "token" || isNewDevice) {
      const data = transport.data(socket);
      if (++data.tokensInWindow > MAX_TOKENS_PER_WINDOW) return void (data.isClosed || transport.end(socket, 1008, "too many token requests"));
      sendToken(socket).catch((err: unknown) => deps.log(`stream: could not issue a token: ${String(err)}`));
    }
  };

  return {
    upgrade({ query, origin, remoteIp, forwardedFor }) {
      const params = new URLSearchParams(query);
      const siteKey = params.get("k") ?? "";
      const ip = clientIp(remoteIp, forwardedFor, deps.trustedProxies);
      const site = checkSite(deps.sites, siteKey, origin);
      if (!site.ok) return site;
      if (connections.count(ip) >= deps.limits.connectionsPerIp) return { ok: false, status: 429, message: "too many open streams from this address", retryAfterSeconds: 60 };
      const wait = opens.take(ip);
      if (wait > 0) return { ok: false, status: 429, message: "too many new streams from this address", retryAfterSeconds: wait };
      return {
        ok: true,
        data: {
          siteKey,
          resumeSessionId: resumableSessionId(params.get("sid")),
          ip,
          origin,
          pending: [],
          isClosed: false,
          windowStartMs: Date.now(),
          framesInWindow: 0,
          tokensInWindow: 0,
          isCounted: false,
        },
      };
    },

    open(socket) {
      deps.metrics?.streamConnections.inc();
      const data = transport.data(socket);
      sockets.add(socket);
      data.isCounted = connections.tryOpen(data.ip);
      // The upgrade checked the count; streams upgraded at the same moment may still overshoot it.
      if (!data.isCounted) return void transport.end(socket, 1013, "too many open streams from this address");
      openSession(deps.store, data, deps.log)
        .then(async ({ session }) => {
          data.session = session;
          await sendToken(socket);
          for (const bytes of data.pending.splice(0)) handleFrame(socket, session, bytes);
        })
        .catch((err: unknown) => deps.log(`stream: could not open a session: ${String(err)}`));
    },

    message(socket, bytes) {
      const data = transport.data(socket);
      const nowMs = Date.now();
      if (nowMs - data.windowStartMs > FRAME_WINDOW_MS) {
        data.windowStartMs = nowMs;
        data.framesInWindow = 0;
        data.tokensInWindow = 0;
      }
      if (++data.framesInWindow > MAX_FRAMES_PER_WINDOW) {
        transport.end(socket, 1008, "too many frames");
        return;
      }
      if (frames.take(data.ip) > 0) {
        transport.end(socket, 1008, "too many frames from this address");
        return;
      }
      if (data.session) handleFrame(socket, data.session, bytes);
      else if (data.pending.length < MAX_PENDING_FRAMES) data.pending.push(new Uint8Array(bytes));
      else transport.end(socket, 1008, "too many frames before the session opened");
    },

    close(socket) {
      deps.metrics?.streamConnections.dec();
      const data = transport.data(socket);
      data.isClosed = true;
      if (data.isCounted) connections.close(data.ip);
      if (data.session) void writes.writeIfDirty(data.session);
      sockets.delete(socket);
    },

    closeAll() {
      for (const socket of [...sockets]) if (!transport.data(socket).isClosed) transport.end(socket, 1001, "collector shutting down");
      return writes.flush();
    },
  };
}
