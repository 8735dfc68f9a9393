/**
 * The Lua scripts behind the shared admission counters. Each runs atomically inside Redis, so
 * two nodes admitting at the same moment can never both take the last slot. Time is Redis's own
 * (TIME), so the nodes' clocks do not have to agree.
 *
 * Keys: `<prefix>nodes` is a sorted set of live nodes scored by the time (ms) they are taken for
 * dead unless they beat again; `<prefix>calls:<limit key>` is a hash node → calls that node holds;
 * `<prefix>cps:<limit key>` is a token bucket.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: counts hash, nodes set. ARGV: node, limit. Returns 1 and counts one more call for the
 * node when the calls of live nodes are under the limit, else 0. Counts of dead nodes are removed
 * on the way, so calls held by a node that died stop counting once its heartbeat has expired.
 */
export const ACQUIRE = `${NOW}
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #fields, 2 do
  local node = fields[i]
  local alive = node == ARGV[1]
  if not alive then
    local expiry = redis.call('ZSCORE', KEYS[2], node)
    alive = expiry and tonumber(expiry) > now
  end
  if alive then total = total + tonumber(fields[i + 1])
  else redis.call('HDEL', KEYS[1], node) end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1`;

/** KEYS: counts hash. ARGV: node. One call fewer for the node (never below zero). */
export const RELEASE = `local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left`;

/**
 * KEYS: bucket hash. ARGV: calls per second. A token bucket as the in-memory counters keep it
 * (capacity one second's worth, refilled continuously): 1 and one token taken, or 0 when empty.
 * An idle bucket is full again after a second, so it may expire after two.
 */
export const RATE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or rate
local at = tonumber(bucket[2]) or now
tokens = math.min(rate, tokens + (now - at) / 1000 * rate)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 2000)
return taken`;

/**
 * KEYS: nodes set. ARGV: node, ttl ms. Marks the node alive for ttl more, drops expired nodes, and
 * returns 1 when the node was already known alive — 0 means its counts may be gone (Redis
 * restarted, or the node was taken for dead) and must be written again.
 */
export const HEARTBEAT = `${NOW}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
local known = 0
if expiry and tonumber(expiry) > now then known = 1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return known`;
