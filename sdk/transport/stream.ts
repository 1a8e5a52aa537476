/**
 * The WebSocket stream to the collector: msgpack frames both ways, a bounded queue while the socket
 * is not open, and reconnection with capped exponential back-off and jitter. After the first token
 * the stream knows its session id and resumes that session on every reconnect (`&sid=`).
 */
import { MAX_FRAME_BYTES, STREAM_PATH, type ClientFrame, type ServerFrame } from "../protocol.js";
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
  /** Sends at once when open, otherwise queues (oldest dropped beyond MAX_QUEUED_FRAMES). Never throws. */
  send(frame: ClientFrame): void;
  /** Closes the socket for good: no reconnect, queue dropped. */
  close(): void;
}

export const MAX_QUEUED_FRAMES = 32;
export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 30_000;

/** `ws(s)://COLLECTOR/v1/stream?k=SITE_KEY[&sid=SESSION_ID]`; a path prefix in `collectorUrl` is kept. */
export function streamUrl(collectorUrl: string, siteKey: string, sessionId?: string): string {
  const base = typeof location === "undefined" ? undefined : location.href;
  const url = new URL(collectorUrl.replace(/\/+$/, "") + STREAM_PATH, base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
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
  const queue: Uint8Array[] = [];
  let socket: WebSocket | undefined;
  let sessionId: string | undefined;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let isClosed = false;

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
    ws.onopen = () => {
      try {
        log("stream: open");
        while (queue.length && ws.readyState === 1) ws.send(queue.shift()!);
      } catch (error) {
        log("stream: flush failed", error);
      }
    };
    ws.onmessage = (event: MessageEvent) => {
      try {
        if (!(event.data instanceof ArrayBuffer)) return log("stream: ignored a text frame");
        const frame = decode(new Uint8Array(event.data)) as ServerFrame;
        if (isTokenFrame(frame)) {
          sessionId = frame.sid;
          failedAttempts = 0;
          options.onToken(frame);
        } else {
          log("stream: frame", frame);
        }
      } catch (error) {
        log("stream: bad frame", error);
      }
    };
    ws.onclose = (event: CloseEvent) => {
      try {
        if (socket !== ws) return;
        socket = undefined;
        log("stream: closed", event.code, event.reason);
        scheduleReconnect();
      } catch (error) {
        log("stream: close handler failed", error);
      }
    };
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
      ws.onopen = ws.onmessage = ws.onclose = null;
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
    send(frame) {
      try {
        if (isClosed) return;
        const bytes = encode(frame);
        if (bytes.length > MAX_FRAME_BYTES) return log("stream: frame too large, dropped", frame.t, bytes.length);
        if (socket && socket.readyState === 1) return socket.send(bytes);
        if (queue.push(bytes) > MAX_QUEUED_FRAMES) queue.shift();
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
