import { randomBytes } from "node:crypto";

/** Prefixed, time-ordered ids: `att_` + base36 milliseconds + 10 random bytes. */
export function newId(prefix: "att" | "ses", nowMs = Date.now()): string {
  return `${prefix}_${nowMs.toString(36).padStart(9, "0")}${randomBytes(10).toString("base64url")}`;
}
