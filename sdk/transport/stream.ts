/**
 * The WebSocket stream to the collector: msgpack frames both ways, a bounded queue while the socket
 * is not open, and reconnection with capped exponential back-off and jitter. After the first token
 * the stream knows its session id and resumes that session on every reconnect (`&sid=`).
 *
 * When the WebSocket fails to open FALLBACK_AFTER_FAILURES times in a row (a proxy or a CSP that
 * refuses WebSockets), frames go over HTTP instead (`POST /v1/collect`, a simple CORS request with a
 * `keepalive` fetch, so a frame sent as the page leaves still arrives), the first token and every
 * refresh included. The WebSocket keeps being retried with back-off and takes over once it opens.
 */
import { COLLECT_PATH, MAX_COLLECT_FRAMES, MAX_FRAME_BYTES, STREAM_PATH, type ClientFrame, type ServerFrame } from "../protocol.js";
import { decode, encode } from "./msgpack.js";

export type TokenFrame = Extract<ServerFrame, { t: "token" }>;

export interface StreamOptions {
  collectorUrl: string;
  siteKey: string;
  /** A token frame arrived (already checked for shape). */
  onToken: (frame: TokenFrame) => void;
  /** Debug log; a no-op unless debug is on. */
  log: (...args: unknown[]) => void;
}

export interface Stream {
  /**
   * Sends at once when open, otherwise queues (oldest dropped beyond MAX_QUEUED_FRAMES). Over the
   * HTTP fallback an urgent frame (the page is being submitted or left) does not wait for a request
   * already in flight. Never throws.
   */
  send(frame: ClientFrame, isUrgent?: boolean): void;
  /** Closes the socket for good: no reconnect, queue dropped. */
  close(): void;
}

export const MAX_QUEUED_FRAMES = MAX_COLLECT_FRAMES;
export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 30_000;
/** Consecutive WebSocket attempts that end without a token before frames go over HTTP. */
export const FALLBACK_AFTER_FAILURES = 2;
/** A WebSocket still connecting after this long counts as failed (a proxy that holds the upgrade). */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Browsers refuse keepalive bodies over 64 KB in flight. */
const MAX_KEEPALIVE_BYTES = 60_000;

/** `ws(s)://COLLECTOR/v1/stream?k=SITE_KEY[&sid=SESSION_ID]`; a path prefix in `collectorUrl` is kept. */
export function streamUrl(collectorUrl: string, siteKey: string, sessionId?: string): string {
  return endpointUrl(collectorUrl, STREAM_PATH, siteKey, sessionId).replace(/^http/, "ws");
}

/** `http(s)://COLLECTOR/v1/collect?k=SITE_KEY[&sid=SESSION_ID]`, the HTTP fallback. */
export function collectUrl(collectorUrl: string, siteKey: string, sessionId?: string): string {
  return endpointUrl(collectorUrl, COLLECT_PATH, siteKey, sessionId);
}

function endpointUrl(collectorUrl: string, path: string, siteKey: string, sessionId?: string): string {
  const base = typeof location === "undefined" ? undefined : location.href;
  const url = new URL(collectorUrl.replace(/\/+$/, "") + path, base);
  url.searchParams.set("k", siteKey);
  if (sessionId) url.searchParams.set("sid", sessionId);
  return url.href;
}

/** Milliseconds to wait before reconnect attempt `attempt` (0-based): half fixed, half random. */
export function reconnectDelayMs(attempt: number): number {
  const capMs = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(attempt, 16));
  return capMs / 2 + (Math.random() * capMs) / 2;
}

function isTokenFrame(frame: unknown): frame is TokenFrame {
  const f = frame as TokenFrame | null;
  return !!f && f.t === "token" && typeof f.sid === "string" && typeof f.token === "string" && typeof f.ttlMs === "number";
}

export function openStream(options: StreamOptions): Stream {
  const { log } = options;
  const queue: Uint8Array<ArrayBuffer>[] = [];
  let socket: WebSocket | undefined;
  let sessionId: string | undefined;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let isClosed = false;
  let postsInFlight = 0;

  const isFallback = (): boolean => failedAttempts >= FALLBACK_AFTER_FAILURES && socket?.readyState !== 1;

  const receive = (frame: unknown, isStream: boolean): void => {
    if (!isTokenFrame(frame)) return log("stream: frame", frame);
    sessionId = frame.sid;
    // Only a token over the WebSocket ends the fallback.
    if (isStream) failedAttempts = 0;
    options.onToken(frame);
  };

  /**
   * Sends the queued frames (or, without a token yet, none: a new session answers with one) over
   * HTTP. One request at a time unless urgent; on failure the frames go back to the queue for the
   * next attempt.
   */
  const post = (isUrgent?: boolean): void => {
    if ((postsInFlight && !isUrgent) || isClosed || typeof fetch !== "function") return;
    const frames = queue.splice(0, MAX_QUEUED_FRAMES);
    // A msgpack array (array 16 header) of the already encoded frames.
    const body = new Blob([new Uint8Array([0xdc, 0, frames.length]), ...frames]);
    postsInFlight++;
    // The executor runs at once (the request starts now, even as the page leaves) and turns a throw into a rejection.
    new Promise<Response>((resolve) =>
      resolve(
        fetch(collectUrl(options.collectorUrl, options.siteKey, sessionId), {
          method: "POST",
          body,
          headers: { "content-type": "text/plain" },
          credentials: "omit",
          keepalive: body.size < MAX_KEEPALIVE_BYTES,
        }),
      ),
    )
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error("HTTP " + response.status))))
      .then((buffer) => {
        postsInFlight--;
        const answer = decode(new Uint8Array(buffer));
        if (Array.isArray(answer)) answer.forEach((frame) => receive(frame, false));
        if (queue.length && isFallback()) post();
      })
      .catch((error: unknown) => {
        postsInFlight--;
        log("fallback: failed", error);
        queue.unshift(...frames);
        queue.splice(0, queue.length - MAX_QUEUED_FRAMES);
      });
  };

  const connect = (): void => {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (isClosed || socket) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(streamUrl(options.collectorUrl, options.siteKey, sessionId));
    } catch (error) {
      log("stream: cannot open", error);
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.binaryType = "arraybuffer";
    const timeout = setTimeout(() => {
      if (ws.readyState === 0) lost(ws, "timed out");
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      try {
        clearTimeout(timeout);
        log("stream: open");
        while (queue.length && ws.readyState === 1) ws.send(queue.shift()!);
      } catch (error) {
        log("stream: flush failed", error);
      }
    };
    ws.onmessage = (event: MessageEvent) => {
      try {
        if (!(event.data instanceof ArrayBuffer)) return log("stream: ignored a text frame");
        receive(decode(new Uint8Array(event.data)), true);
      } catch (error) {
        log("stream: bad frame", error);
      }
    };
    // A CSP that refuses the connection fires error without close; handle both, once.
    ws.onerror = ws.onclose = (event: Event) => lost(ws, (event as CloseEvent).code);
  };

  /** The socket closed, failed or timed out: reconnect later, and go over HTTP meanwhile when it keeps failing. */
  const lost = (ws: WebSocket, why: unknown): void => {
    try {
      if (socket !== ws) return;
      socket = undefined;
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      ws.close();
      log("stream: closed", why);
      scheduleReconnect();
      if (isFallback() && (queue.length || !sessionId)) post();
    } catch (error) {
      log("stream: close handler failed", error);
    }
  };

  const scheduleReconnect = (): void => {
    if (isClosed || reconnectTimer) return;
    const delayMs = reconnectDelayMs(failedAttempts++);
    log("stream: reconnect in", Math.round(delayMs), "ms");
    reconnectTimer = setTimeout(() => {
      try {
        connect();
      } catch (error) {
        log("stream: reconnect failed", error);
      }
    }, delayMs);
  };

  /** Drops the socket without a reconnect (bfcache, close()). */
  const drop = (): void => {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const ws = socket;
    socket = undefined;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      ws.close();
    }
  };

  // An open WebSocket keeps the page out of the back/forward cache: let go on pagehide, come back on pageshow.
  const onPageHide = (event: PageTransitionEvent): void => {
    try {
      if (event.persisted) drop();
    } catch (error) {
      log("stream: pagehide failed", error);
    }
  };
  const onPageShow = (event: PageTransitionEvent): void => {
    try {
      if (event.persisted) (failedAttempts = 0), connect();
    } catch (error) {
      log("stream: pageshow failed", error);
    }
  };
  const onOnline = (): void => {
    try {
      if (reconnectTimer) connect();
    } catch (error) {
      log("stream: online failed", error);
    }
  };
  const hasWindow = typeof addEventListener === "function";
  if (hasWindow) {
    addEventListener("pagehide", onPageHide);
    addEventListener("pageshow", onPageShow);
    addEventListener("online", onOnline);
  }

  connect();

  return {
    send(frame, isUrgent) {
      try {
        if (isClosed) return;
        const bytes = encode(frame);
        if (bytes.length > MAX_FRAME_BYTES) return log("stream: frame too large, dropped", frame.t, bytes.length);
        if (socket && socket.readyState === 1) return socket.send(bytes);
        if (queue.push(bytes) > MAX_QUEUED_FRAMES) queue.shift();
        if (isFallback()) post(isUrgent);
      } catch (error) {
        log("stream: send failed", error);
      }
    },
    close() {
      try {
        isClosed = true;
        queue.length = 0;
        drop();
        if (hasWindow) {
          removeEventListener("pagehide", onPageHide);
          removeEventListener("pageshow", onPageShow);
          removeEventListener("online", onOnline);
        }
      } catch (error) {
        log("stream: close failed", error);
      }
    },
  };
}
