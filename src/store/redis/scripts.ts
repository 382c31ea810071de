/*
 * Lua scripts: Redis runs each one whole, with no other command in between, which is what makes
 * taking a lease, renewing it and adopting an orphan atomic across instances. ARGV[1] is always
 * the connection's key prefix; job ids are passed as their key parts (see job-keys.ts). Keys are
 * built inside the scripts, so a Redis Cluster is not supported (one Redis, or Sentinel's primary).
 */

/** ARGV: prefix, part, job JSON, owner, leaseMs. Saves the job and takes its lease. */
export const PUT_JOB = `
redis.call('SET', ARGV[1]..'job:'..ARGV[2], ARGV[3])
redis.call('SADD', ARGV[1]..'jobs', ARGV[2])
redis.call('SET', ARGV[1]..'lease:'..ARGV[2], ARGV[4], 'PX', ARGV[5])
return 1`;

/** ARGV: prefix, part, owner. Forgets the job unless another instance owns it now (it adopted it). */
export const REMOVE_JOB = `
local lease = redis.call('GET', ARGV[1]..'lease:'..ARGV[2])
if lease and lease ~= ARGV[3] then return 0 end
redis.call('DEL', ARGV[1]..'job:'..ARGV[2], ARGV[1]..'lease:'..ARGV[2])
redis.call('SREM', ARGV[1]..'jobs', ARGV[2])
return 1`;

/**
 * ARGV: prefix, owner, leaseMs, part... Extends the owner's leases; a lease that lapsed but that
 * no one took is taken again. Answers the parts another instance owns now.
 */
export const RENEW_LEASES = `
local lost = {}
for i = 4, #ARGV do
  local key = ARGV[1]..'lease:'..ARGV[i]
  local lease = redis.call('GET', key)
  if lease == ARGV[2] then
    redis.call('PEXPIRE', key, ARGV[3])
  elseif not lease then
    if redis.call('EXISTS', ARGV[1]..'job:'..ARGV[i]) == 1 then redis.call('SET', key, ARGV[2], 'PX', ARGV[3]) end
  else
    table.insert(lost, ARGV[i])
  end
end
return lost`;

/**
 * ARGV: prefix, owner, leaseMs, max, mine (1: also the owner's own). Takes the lease of up to
 * max jobs no one holds (their owner stopped renewing) and answers their JSON; jobs whose data
 * is gone leave the index.
 */
export const CLAIM_JOBS = `
local claimed = {}
local limit = tonumber(ARGV[4])
for _, part in ipairs(redis.call('SMEMBERS', ARGV[1]..'jobs')) do
  if #claimed >= limit then break end
  local job = redis.call('GET', ARGV[1]..'job:'..part)
  if not job then
    redis.call('SREM', ARGV[1]..'jobs', part)
  else
    local key = ARGV[1]..'lease:'..part
    local lease = redis.call('GET', key)
    if not lease or (ARGV[5] == '1' and lease == ARGV[2]) then
      redis.call('SET', key, ARGV[2], 'PX', ARGV[3])
      table.insert(claimed, job)
    end
  end
end
return claimed`;

/** ARGV: key, token, ms. Extends a lock only its holder (token) may extend. */
export const EXTEND_LOCK = `
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('PEXPIRE', ARGV[1], ARGV[3]) end
return 0`;

/** ARGV: key, token. Releases a lock only its holder may release. */
export const RELEASE_LOCK = `
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0`;

/** Runs a script with no KEYS (see above) and the given ARGV. */
export function evalArgs(script: string, argv: Array<string | number>): string[] {
  return ['EVAL', script, '0', ...argv.map(String)];
}
