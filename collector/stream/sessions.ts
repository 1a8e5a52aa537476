/**
 * What the WebSocket stream and the HTTP fallback share: checking a site key and the page's origin,
 * opening or resuming a session, applying one client frame to it, issuing its token, and logging the
 * script's error reports at a low rate.
 */
import type { ClientFrame, ServerFrame } from "../../sdk/protocol.js";
import type { SiteConfig } from "../config.js";
import { newId } from "../ids.js";
import { checkClientFrame } from "../protocol/frame-check.js";
import type { SessionRecord, Store } from "../store/types.js";
import type { TokenService } from "../token.js";
import type { Metrics } from "../metrics.js";

export interface SessionDeps {
  store: Store;
  tokens: TokenService;
  sites: ReadonlyMap<string, SiteConfig>;
  trustedProxies: ReadonlySet<string>;
  log: (line: string) => void;
  metrics?: Metrics;
}

/** Per collector's metrics, the frame counter's series by type, looked up once: prom-client hashes a label object on every call. */
const frameSeries = new WeakMap<Metrics, Map<string, { inc(): void }>>();

/** Counts a received frame in /metrics by what it was: signals, token, report, invalid or malformed. */
export function countFrame(deps: SessionDeps, outcome: FrameOutcome | "malformed"): void {
  const { metrics } = deps;
  if (!metrics) return;
  const type = outcome === "malformed" ? "malformed" : outcome.kind === "done" ? "report" : outcome.kind === "refused" ? "invalid" : outcome.kind;
  let series = frameSeries.get(metrics);
  if (!series) frameSeries.set(metrics, (series = new Map()));
  let counter = series.get(type);
  if (!counter) {
    counter = metrics.streamFrames.labels({ type, result: type === "malformed" || type === "invalid" ? "refused" : "accepted" });
    series.set(type, counter);
  }
  counter.inc();
}

export interface SessionOrigin {
  siteKey: string;
  /** A well-formed session id to resume, or "". */
  resumeSessionId: string;
  ip: string;
  origin: string;
}

const SESSION_ID = /^ses_[A-Za-z0-9_-]{10,40}$/;

/** The `sid` query parameter when it is a well-formed session id, otherwise "". */
export function resumableSessionId(value: string | null | undefined): string {
  return value && SESSION_ID.test(value) ? value : "";
}

export type SiteCheck = { ok: true; site: SiteConfig } | { ok: false; status: 403 | 404; message: string };

/** The site key must be known and the page's origin one of the site's. */
export function checkSite(sites: ReadonlyMap<string, SiteConfig>, siteKey: string, origin: string): SiteCheck {
  const site = sites.get(siteKey);
  if (!site) return { ok: false, status: 404, message: "unknown site key" };
  if (!site.origins.includes(origin)) return { ok: false, status: 403, message: "origin not allowed for this site key" };
  return { ok: true, site };
}

/** Resumes the session when it exists for this site, otherwise starts a new one (`isNew`). */
export async function openSession(store: Store, from: SessionOrigin, log: (line: string) => void): Promise<{ session: SessionRecord; isNew: boolean }> {
  const nowMs = Date.now();
  if (from.resumeSessionId) {
    const existing = await store.getSession(from.resumeSessionId);
    if (existing && existing.siteKey === from.siteKey) return { session: existing, isNew: false };
  }
  const session: SessionRecord = { id: newId("ses", nowMs), siteKey: from.siteKey, createdAtMs: nowMs, updatedAtMs: nowMs, ip: from.ip, origin: from.origin, signals: {} };
  // Not awaited: the first token should not wait for a disk commit; the write lands long before any order.
  store.putSession(session).catch((err: unknown) => log(`session: could not store a new session: ${String(err)}`));
  return { session, isNew: true };
}

/** A token for the session, carrying its device's hash once the script reported one (see token.ts). */
export async function tokenFrame(tokens: TokenService, session: SessionRecord): Promise<ServerFrame> {
  const { token } = await tokens.issue(session.siteKey, session.id, session.signals.visitorId);
  return { t: "token", sid: session.id, token, ttlMs: tokens.ttlMs };
}

/** What one decoded frame asks of the transport. */
export type FrameOutcome =
  /** Signals were merged into the session: store it, at once when the page's form was just submitted. */
  | { kind: "signals"; hasSubmit: boolean }
  /** Issue a fresh token. */
  | { kind: "token" }
  /** Nothing to do (a report, already logged). */
  | { kind: "done" }
  /** The frame was refused: answer with this error frame. */
  | { kind: "refused"; frame: ServerFrame };

/**
 * Applies one decoded client frame to the session: signals are merged shallowly (each group replaces
 * the one before), a token request is handed back, a report is logged through `reports`.
 */
export function applyFrame(session: SessionRecord, decoded: unknown, reports: ReportLog): FrameOutcome {
  const check = checkClientFrame(decoded);
  if (!check.ok) return { kind: "refused", frame: { t: "error", code: "invalid_frame", message: check.message } };
  const frame: ClientFrame = check.frame;
  if (frame.t === "token") return { kind: "token" };
  if (frame.t === "report") {
    reports.report(session, frame.m);
    return { kind: "done" };
  }
  const hasSubmit = (frame.d.page?.submits ?? 0) > (session.signals.page?.submits ?? 0);
  // In place, as updatedAtMs: the record is this socket's (or request's) own, and a store write encodes it as it is then.
  Object.assign(session.signals, frame.d);
  session.updatedAtMs = Date.now();
  return { kind: "signals", hasSubmit };
}

/**
 * Logs the script's error reports, at most `maxLines` per `windowMs` for the whole collector; the
 * number left out is logged with the next window's first line. A broken page cannot flood the log.
 */
export class ReportLog {
  private windowStartMs = 0;
  private linesInWindow = 0;
  private dropped = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly maxLines = 20,
    private readonly windowMs = 60_000,
  ) {}

  report(session: SessionRecord, message: string): void {
    const nowMs = Date.now();
    if (nowMs - this.windowStartMs >= this.windowMs) {
      this.windowStartMs = nowMs;
      this.linesInWindow = 0;
    }
    if (++this.linesInWindow > this.maxLines) {
      this.dropped++;
      return;
    }
    const dropped = this.dropped ? ` (${this.dropped} earlier reports not logged)` : "";
    this.dropped = 0;
    // JSON-quoted: the text comes from a browser and must not forge log lines.
    this.log(`script report: site ${session.siteKey} session ${session.id}: ${JSON.stringify(message)}${dropped}`);
  }
}
