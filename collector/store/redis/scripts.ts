import type { RedisClient } from "./connect.js";

/** Lua run by the server, each on one key, so a check and its change cannot interleave with another collector's. */
export const SCRIPTS = {
  /** Deletes a list entry (a hash with field `a` = attempt id) only if this attempt put it there. */
  dropOwnedEntry: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], 'a') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
  },
  /** Deletes a string key only if it still holds this value (an order or token record of a purged attempt). */
  deleteIfEquals: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
  },
} as const;

export function defineScripts(client: RedisClient): void {
  for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
}
