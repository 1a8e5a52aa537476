/**
 * The wire between the browser script and the collector: the one place both sides agree on.
 * Frames are msgpack maps. The script encodes them with its own small encoder (sdk/transport/msgpack.ts);
 * the collector decodes them with msgpackr. Keep every field a plain string, number, boolean,
 * array or map so both agree byte for byte.
 */

export const PROTOCOL_VERSION = 1;

/** WebSocket stream: `ws(s)://COLLECTOR/v1/stream?k=SITE_KEY[&sid=SESSION_ID]`. */
export const STREAM_PATH = "/v1/stream";

/** Largest frame the collector accepts on the stream, in bytes. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** What the script learns about the browser it runs in. Every field is optional: a signal that failed is absent. */
export interface EnvironmentSignals {
  /** FingerprintJS visitor id. */
  visitorId?: string;
  /** FingerprintJS confidence score, 0..1. */
  visitorConfidence?: number;
  /** Milliseconds from script start to the visitor id. */
  fingerprintMs?: number;
  webdriver?: boolean;
  userAgent?: string;
  platform?: string;
  timezone?: string;
  languages?: string[];
  screen?: { width: number; height: number; pixelRatio: number; colorDepth: number };
}

/** Browser → collector. */
export type ClientFrame =
  /** Merge these signals into the session's latest aggregate. */
  | { t: "signals"; d: EnvironmentSignals }
  /** Ask for a fresh token (the current one is about to expire). */
  | { t: "token" };

/** Collector → browser. */
export type ServerFrame =
  /** A risk token for the session. `ttlMs` is relative, so client clock skew does not matter. */
  | { t: "token"; sid: string; token: string; ttlMs: number }
  /** The frame was refused; the socket may stay open. */
  | { t: "error"; code: string; message: string };
