import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "vakt_console";
/** A working day: long enough not to log an analyst out mid-queue, short enough that a lost cookie dies. */
export const SESSION_TTL_MS = 8 * 3_600_000;

export interface Session {
  expiresAtMs: number;
  /** Sent back by the console in the `x-vakt-csrf` header on every state-changing call. */
  csrf: string;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Stateless console sessions: `EXPIRY.NONCE.MAC`, an HMAC-SHA256 under a key derived from the store's
 * console secret and the configured password. Every collector on the same store can check a cookie
 * another one issued, and changing the password ends every session. The CSRF token is derived from
 * the nonce, so it needs no storage either.
 */
export class ConsoleSessions {
  private readonly key: Buffer;
  private readonly passwordDigest: Buffer;

  constructor(secret: Buffer, password: string, private readonly now: () => number = Date.now, private readonly ttlMs = SESSION_TTL_MS) {
    this.key = createHmac("sha256", secret).update(`console-session:${password}`).digest();
    this.passwordDigest = digest(password);
  }

  /** Constant-time: both sides are hashed to the same length first. */
  isPassword(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.passwordDigest);
  }

  issue(): { cookie: string; session: Session } {
    const expiresAtMs = this.now() + this.ttlMs;
    const body = `${expiresAtMs.toString(36)}.${randomBytes(18).toString("base64url")}`;
    const cookie = `${body}.${this.mac(body)}`;
    return { cookie, session: { expiresAtMs, csrf: this.csrfOf(body) } };
  }

  /** The session a cookie value stands for, or undefined when it is malformed, forged or expired. */
  verify(cookie: string | undefined): Session | undefined {
    const match = cookie === undefined ? null : /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
    if (!match) return undefined;
    const body = `${match[1]}.${match[2]}`;
    const expected = Buffer.from(this.mac(body));
    const presented = Buffer.from(match[3]!);
    if (!timingSafeEqual(expected, presented)) return undefined;
    const expiresAtMs = parseInt(match[1]!, 36);
    if (!(expiresAtMs > this.now())) return undefined;
    return { expiresAtMs, csrf: this.csrfOf(body) };
  }

  isCsrf(session: Session, presented: string | undefined): boolean {
    if (presented === undefined) return false;
    return timingSafeEqual(digest(session.csrf), digest(presented));
  }

  private mac(body: string): string {
    return createHmac("sha256", this.key).update(`session.${body}`).digest("base64url");
  }

  private csrfOf(body: string): string {
    return createHmac("sha256", this.key).update(`csrf.${body}`).digest("base64url");
  }
}

/** The value of one cookie from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, options: { isSecure: boolean; maxAgeSeconds: number }): string {
  return [`${SESSION_COOKIE}=${value}`, "Path=/console", "HttpOnly", "SameSite=Strict", `Max-Age=${options.maxAgeSeconds}`, ...(options.isSecure ? ["Secure"] : [])].join("; ");
}
