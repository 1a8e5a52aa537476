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
  /**
   * A label's changes to the `fraud` list, with the list's version and change log in the same step:
   * KEYS = entries hash, version, log; ARGV = attempt id, log length, number of fields to drop, those
   * fields, then field/value pairs to put. A field is dropped only if this attempt put it there. The log
   * entry holds `p` (the version it follows) and each changed field with its new value ('' = removed),
   * so a mirror applies it in order and sees a gap (a trimmed or lost entry) by `p`.
   */
  putFraudEntries: {
    numberOfKeys: 3,
    lua: `local owner = ARGV[1] .. ' '
local drops = tonumber(ARGV[3])
local changes = {}
for i = 4, 3 + drops do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and string.sub(v, 1, #owner) == owner then
    redis.call('HDEL', KEYS[1], ARGV[i])
    changes[#changes + 1] = ARGV[i]
    changes[#changes + 1] = ''
  end
end
for i = 4 + drops, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  changes[#changes + 1] = ARGV[i]
  changes[#changes + 1] = ARGV[i + 1]
end
if #changes == 0 then return false end
local previous = redis.call('GET', KEYS[2]) or ''
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'p', previous, unpack(changes))
redis.call('SET', KEYS[2], id)
return id`,
  },
} as const;

export function defineScripts(client: RedisClient): void {
  for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
}
