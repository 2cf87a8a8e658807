/**
 * The Lua of the Redis LimitStore: one script reserves all of a request's draws, one settles
 * them, one reads usage. Each does the arithmetic of gcra.ts and holds.ts, in the same order,
 * so a memory store and a Redis store given the same calls answer the same.
 *
 * Keys, per draw, in order: a rate's hash {d: debt, a: at}; a quota's or concurrency's hash
 * {u: used, r: reserved} then its sorted set of holds (member `<amount>:<draw index>:<id>`,
 * scored by the lease's end, so a lapsed hold is found by score and its amount read from its
 * name). The settle script's first key is the reservation's "settled" marker.
 *
 * Numbers go to Redis as `%.17g` strings, which read back as the same double. Lua numbers come
 * back as integer replies, so what is returned is whole (Infinity is returned as -1).
 */

const COMMON = `
local UNIT = 60000
local function fmt(x) return string.format('%.17g', x) end

local function rate_load(key, now, per_minute)
  local s = redis.call('HMGET', key, 'd', 'a')
  if not s[1] then return { d = 0, a = now } end
  local debt, at = tonumber(s[1]), tonumber(s[2])
  local elapsed = now - at
  if elapsed <= 0 then return { d = debt, a = at } end
  local paid = elapsed * per_minute
  if paid >= debt then return { d = 0, a = now } end
  return { d = debt - paid, a = now }
end

local function rate_store(key, st, per_minute, now, keep_ms)
  if st.d <= 0 then
    redis.call('DEL', key)
    return
  end
  redis.call('HSET', key, 'd', fmt(st.d), 'a', fmt(st.a))
  redis.call('PEXPIRE', key, math.ceil(st.d / per_minute + (st.a - now)) + keep_ms)
end

local function amount_of(member) return tonumber(string.match(member, '^[^:]+')) end

-- A counter as at now, its lapsed holds released (and the release written); fresh if it did not exist.
local function held_load(h, z, now)
  local s = redis.call('HMGET', h, 'u', 'r')
  local st = { u = tonumber(s[1]) or 0, r = tonumber(s[2]) or 0, fresh = not s[1] }
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. fmt(now))
  if #gone > 0 then
    for _, member in ipairs(gone) do st.r = st.r - amount_of(member) end
    redis.call('ZREMRANGEBYSCORE', z, '-inf', '(' .. fmt(now))
    if st.u == 0 and st.r == 0 and redis.call('EXISTS', z) == 0 then
      redis.call('DEL', h)
    else
      redis.call('HSET', h, 'r', fmt(st.r))
    end
  end
  return st
end

-- keep_ms: how long the counter must now be kept (nil: for ever, or as long as it already is).
local function held_store(h, z, st, keep_ms)
  if st.u == 0 and st.r == 0 and redis.call('EXISTS', z) == 0 then
    redis.call('DEL', h)
    return
  end
  redis.call('HSET', h, 'u', fmt(st.u), 'r', fmt(st.r))
  if not keep_ms then return end
  -- Only ever lengthened (another reservation's longer lease must not be cut short), and the
  -- holds expire with the counter: holds gone while their amounts stay reserved would never
  -- be released.
  local ms, ttl = keep_ms, -2
  if not st.fresh then ttl = redis.call('PTTL', h) end
  if ttl > ms then ms = ttl else redis.call('PEXPIRE', h, ms) end
  redis.call('PEXPIRE', z, ms)
end
`;

/**
 * KEYS: per draw, 1 (rate) or 2 keys. ARGV: now, expiresAt, id, then per draw: kind (r, q, c),
 * amount, perMinute or limit, capacity or windowEnd ('' for none), keep (ms to keep the keys
 * beyond what they must hold; '' for never expire).
 * Returns {1, remaining, resetMs, …per draw} or {0, index, retryAfterMs, limit, remaining}.
 */
export const RESERVE_SCRIPT = `${COMMON}
local now, expires_at, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local n = (#ARGV - 3) / 5
local staged = {}
local result = { 1 }

local k = 1
for i = 1, n do
  local base = 3 + (i - 1) * 5
  local kind, amount = ARGV[base + 1], tonumber(ARGV[base + 2])
  local p1, p2 = tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  if kind == 'r' then
    local key = KEYS[k]
    k = k + 1
    local st = staged[key] or rate_load(key, now, p1)
    if st.d + amount * UNIT > p2 * UNIT then
      local retry = -1
      if amount <= p2 then retry = math.max(math.ceil((st.d + (amount - p2) * UNIT) / p1 + (st.a - now)), 0) end
      return { 0, i - 1, retry, p2, math.max(math.floor((p2 * UNIT - st.d) / UNIT), 0) }
    end
    st = { d = st.d + amount * UNIT, a = st.a }
    staged[key] = st
    table.insert(result, math.max(math.floor((p2 * UNIT - st.d) / UNIT), 0))
    table.insert(result, math.max(math.ceil(st.d / p1 + (st.a - now)), 0))
  else
    local h, z = KEYS[k], KEYS[k + 1]
    k = k + 2
    local st = staged[h] or held_load(h, z, now)
    if st.u + st.r + amount > p1 then
      local until_end = -1
      if p2 then until_end = math.max(p2 - now, 0) end
      local retry = until_end
      if amount > p1 then
        retry = -1
      elseif st.u + amount <= p1 then
        local excess, freed = st.u + st.r + amount - p1, 0
        local live = redis.call('ZRANGE', z, 0, -1, 'WITHSCORES')
        for j = 1, #live, 2 do
          freed = freed + amount_of(live[j])
          if freed >= excess then
            local ms = math.max(tonumber(live[j + 1]) + 1 - now, 0)
            if until_end < 0 or ms < until_end then retry = ms end
            break
          end
        end
      end
      return { 0, i - 1, retry, p1, math.max(p1 - st.u - st.r, 0) }
    end
    st = { u = st.u, r = st.r + amount, fresh = st.fresh }
    staged[h] = st
    table.insert(result, math.max(p1 - st.u - st.r, 0))
    if kind == 'q' then
      if p2 then table.insert(result, math.max(p2 - now, 0)) else table.insert(result, -1) end
    else
      table.insert(result, 0)
    end
  end
end

k = 1
for i = 1, n do
  local base = 3 + (i - 1) * 5
  local kind = ARGV[base + 1]
  local keep = tonumber(ARGV[base + 5])
  if kind == 'r' then
    rate_store(KEYS[k], staged[KEYS[k]], tonumber(ARGV[base + 3]), now, keep)
    k = k + 1
  else
    local h, z = KEYS[k], KEYS[k + 1]
    k = k + 2
    redis.call('ZADD', z, fmt(expires_at), ARGV[base + 2] .. ':' .. (i - 1) .. ':' .. id)
    held_store(h, z, staged[h], keep)
  end
end
return result
`;

/**
 * KEYS: the settled marker, then per draw 1 (rate) or 2 keys. ARGV: now, id, how long to keep
 * the marker (ms), then per draw: kind, amount reserved, actual, perMinute or limit, keep ('' for
 * never expire), alertAt fractions (comma-separated, quotas).
 * Returns {0} if already settled, else {1, draw index, threshold index, used, …per crossing}.
 */
export const SETTLE_SCRIPT = `${COMMON}
if redis.call('EXISTS', KEYS[1]) == 1 then return { 0 } end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[3])
local now, id = tonumber(ARGV[1]), ARGV[2]
local n = (#ARGV - 3) / 6
local result = { 1 }

local k = 2
for i = 1, n do
  local base = 3 + (i - 1) * 6
  local kind, amount, actual = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local p1, keep = tonumber(ARGV[base + 4]), tonumber(ARGV[base + 5])
  if kind == 'r' then
    local st = rate_load(KEYS[k], now, p1)
    local debt = st.d + (actual - amount) * UNIT
    if debt < 0 then debt = 0 end
    rate_store(KEYS[k], { d = debt, a = st.a }, p1, now, keep)
    k = k + 1
  else
    local h, z = KEYS[k], KEYS[k + 1]
    k = k + 2
    local st = held_load(h, z, now)
    -- A lapsed hold was released already: the charge still counts, the release does not repeat.
    if redis.call('ZREM', z, ARGV[base + 2] .. ':' .. (i - 1) .. ':' .. id) == 1 then st.r = st.r - amount end
    if kind == 'q' then
      local before = st.u
      st.u = st.u + actual
      local j = 0
      for fraction in string.gmatch(ARGV[base + 6], '[^,]+') do
        local threshold = tonumber(fraction) * p1
        if before < threshold and threshold <= st.u then
          table.insert(result, i - 1)
          table.insert(result, j)
          table.insert(result, st.u)
        end
        j = j + 1
      end
    end
    -- The keys' time to live was set when this reservation's hold was taken; only a counter
    -- that expired meanwhile (a late settlement) needs one again.
    if st.fresh then held_store(h, z, st, keep) else held_store(h, z, st, nil) end
  end
end
return result
`;

/**
 * Reads only. KEYS: per rule 1 (rate) or 2 keys. ARGV: now, then per rule: kind, perMinute (rates; '' otherwise).
 * Returns {used, reserved, …per rule}.
 */
export const USAGE_SCRIPT = `${COMMON}
local now = tonumber(ARGV[1])
local result = {}
local k = 1
for i = 1, (#ARGV - 1) / 2 do
  local kind = ARGV[2 * i]
  if kind == 'r' then
    local st = rate_load(KEYS[k], now, tonumber(ARGV[2 * i + 1]))
    k = k + 1
    table.insert(result, math.ceil(st.d / UNIT))
    table.insert(result, 0)
  else
    local h, z = KEYS[k], KEYS[k + 1]
    k = k + 2
    local s = redis.call('HMGET', h, 'u', 'r')
    local used, reserved = tonumber(s[1]) or 0, tonumber(s[2]) or 0
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. fmt(now))) do reserved = reserved - amount_of(member) end
    if kind == 'q' then
      table.insert(result, used)
      table.insert(result, reserved)
    else
      table.insert(result, reserved)
      table.insert(result, 0)
    end
  end
end
return result
`;
