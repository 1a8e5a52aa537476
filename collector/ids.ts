import { randomBytes } from "node:crypto";

/** Prefixed, time-ordered ids: `att_` + base36 milliseconds + 10 random bytes. */
export function newId(prefix: "att" | "ses", nowMs = Date.now()): string {
  return `${idFloor(prefix, nowMs)}${randomBytes(10).toString("base64url")}`;
}

/** The smallest id that can be created at `ms`: ids compare as strings in time order. */
export function idFloor(prefix: "att" | "ses", ms: number): string {
  return `${prefix}_${Math.max(0, Math.floor(ms)).toString(36).padStart(9, "0")}`;
}
