/**
 * The Lua scripts of RedisLimitStore: each decision is one script, so it is atomic and costs one
 * round trip (ioredis sends EVALSHA, and the script text once when Redis does not know it yet).
 */

/**
 * Sliding-window admission over slot counters, the arithmetic of limits/sliding-window.ts:
 * KEYS[1] a hash slot → count; ARGV limit, windowMs, nowMs, slotMs. Returns 1 (admitted and
 * counted) or 0 (refused, nothing counted). Slots older than the window are deleted; a caller
 * whose clock is behind the newest slot counts in that slot, which keeps the bound.
 */
export const ADMIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local slotMs = tonumber(ARGV[4])
local current = math.floor(now / slotMs)
local oldest = math.floor((now - windowMs) / slotMs)
local h = redis.call('HGETALL', KEYS[1])
local total = 0
local newest = nil
for i = 1, #h, 2 do
  local s = tonumber(h[i])
  if s < oldest then
    redis.call('HDEL', KEYS[1], h[i])
  else
    total = total + tonumber(h[i + 1])
    if newest == nil or s > newest then newest = s end
  end
end
if total >= limit then return 0 end
local slot = current
if newest ~= nil and newest > current then slot = newest end
redis.call('HINCRBY', KEYS[1], tostring(slot), 1)
redis.call('PEXPIRE', KEYS[1], windowMs + 2 * slotMs)
return 1
`;

/**
 * One failure in a window opened at the first failure: KEYS[1] a hash {s = start ms, c = count};
 * ARGV windowMs, nowMs. Returns the failures in the window, this one included.
 */
export const ADD_FAILURE_SCRIPT = `
local windowMs = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 's', 'c')
local s = tonumber(v[1])
if s == nil or now - s >= windowMs or now < s - windowMs then
  redis.call('HSET', KEYS[1], 's', ARGV[2], 'c', 1)
  redis.call('PEXPIRE', KEYS[1], windowMs)
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'c', 1)
`;

/** The failures in KEYS[1]'s open window (ARGV windowMs, nowMs); 0 when none or passed. */
export const FAILURES_SCRIPT = `
local windowMs = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 's', 'c')
local s = tonumber(v[1])
if s == nil or now - s >= windowMs then return 0 end
return tonumber(v[2]) or 0
`;
