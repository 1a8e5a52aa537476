import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConsoleSessions, readCookie, sessionCookie, SESSION_TTL_MS } from "./session.js";

const secret = randomBytes(32);

describe("console sessions", () => {
  it("accepts a cookie it issued, on any collector sharing the store's secret", () => {
    const one = new ConsoleSessions(secret, "correct horse");
    const other = new ConsoleSessions(Buffer.from(secret), "correct horse");
    const { cookie, session } = one.issue();
    expect(other.verify(cookie)).toEqual(session);
    expect(session.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses a forged, altered or foreign cookie", () => {
    const sessions = new ConsoleSessions(secret, "correct horse");
    const { cookie } = sessions.issue();
    const [expiry, nonce, mac] = cookie.split(".");
    const later = (parseInt(expiry!, 36) + 3_600_000).toString(36);
    expect(sessions.verify(`${later}.${nonce}.${mac}`)).toBeUndefined();
    expect(sessions.verify(`${expiry}.${nonce}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(sessions.verify(new ConsoleSessions(randomBytes(32), "correct horse").issue().cookie)).toBeUndefined();
    expect(sessions.verify(undefined)).toBeUndefined();
    expect(sessions.verify("garbage")).toBeUndefined();
  });

  it("ends every session when the password changes", () => {
    const { cookie } = new ConsoleSessions(secret, "correct horse").issue();
    expect(new ConsoleSessions(secret, "battery staple").verify(cookie)).toBeUndefined();
  });

  it("expires after its time to live", () => {
    let nowMs = 1_800_000_000_000;
    const sessions = new ConsoleSessions(secret, "correct horse", () => nowMs);
    const { cookie } = sessions.issue();
    nowMs += SESSION_TTL_MS - 1;
    expect(sessions.verify(cookie)).toBeDefined();
    nowMs += 1;
    expect(sessions.verify(cookie)).toBeUndefined();
  });

  it("checks the password and the CSRF token", () => {
    const sessions = new ConsoleSessions(secret, "correct horse");
    expect(sessions.isPassword("correct horse")).toBe(true);
    expect(sessions.isPassword("correct hors")).toBe(false);
    expect(sessions.isPassword("")).toBe(false);
    const a = sessions.issue().session;
    const b = sessions.issue().session;
    expect(sessions.isCsrf(a, a.csrf)).toBe(true);
    expect(sessions.isCsrf(a, b.csrf)).toBe(false);
    expect(sessions.isCsrf(a, undefined)).toBe(false);
  });

  it("writes and reads the cookie", () => {
    expect(sessionCookie("v", { isSecure: false, maxAgeSeconds: 60 })).toBe("vakt_console=v; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60");
    expect(sessionCookie("v", { isSecure: true, maxAgeSeconds: 60 })).toMatch(/; Secure$/);
    expect(readCookie("a=1; vakt_console=abc.def; b=2", "vakt_console")).toBe("abc.def");
    expect(readCookie("a=1", "vakt_console")).toBeUndefined();
  });
});
