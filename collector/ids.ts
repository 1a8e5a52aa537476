import { randomFillSync } from "node:crypto";

/** Random bytes drawn 4 KB at a time: one system call per ~400 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomSlice(bytes: number): Buffer {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.subarray(poolOffset - bytes, poolOffset);
}

/** Prefixed, time-ordered ids: `att_` + base36 milliseconds + 10 random bytes. */
export function newId(prefix: "att" | "ses", nowMs = Date.now()): string {
  return `${idFloor(prefix, nowMs)}${randomSlice(10).toString("base64url")}`;
}

/** The smallest id that can be created at `ms`: ids compare as strings in time order. */
export function idFloor(prefix: "att" | "ses", ms: number): string {
  return `${prefix}_${Math.max(0, Math.floor(ms)).toString(36).padStart(9, "0")}`;
}
