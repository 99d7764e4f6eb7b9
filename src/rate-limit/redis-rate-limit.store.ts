import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { MAX_BLOCK_MS, RateLimitRecord, RateLimitStore, STRIKE_MEMORY_MS, toSeconds } from './rate-limit-store';

/**
 * One atomic step (Redis runs a script without interleaving, so N instances
 * share one exact budget): refuse while blocked; else INCR the window
 * counter and PEXPIRE it on its first hit; past the limit, count a strike
 * and set a block of base * 2^(strikes-1) ms, capped.
 * KEYS: hits, block, strikes. ARGV: window ms, limit, base block ms, max block ms, strike memory ms.
 * Returns {hits, blocked (0/1), ms (window left, or block left), first rejection (0/1)}.
 */
const SCRIPT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then return {0, 1, blockLeft, 0} end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  local strikes = redis.call('INCR', KEYS[3])
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
  local block = math.floor(math.min(tonumber(ARGV[3]) * 2 ^ (strikes - 1), tonumber(ARGV[4])))
  redis.call('SET', KEYS[2], '1', 'PX', block)
  redis.call('DEL', KEYS[1])
  return {hits, 1, block, 1}
end
return {hits, 0, left, 0}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

type ScriptReply = [number, number, number, number];

/**
 * The shared store (REDIS_URL). Keys live under `prefix` and a hash tag, so
 * the three keys of one budget land in one Redis Cluster slot.
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
    _throttlerName?: string,
  ): Promise<RateLimitRecord> {
    const [hits, isBlocked, ms, first] = await this.run(
      this.keys(key),
      [ttlMs, limit, blockMs, MAX_BLOCK_MS, STRIKE_MEMORY_MS].map((n) => String(Math.round(n))),
    );
    const seconds = toSeconds(ms);
    return isBlocked === 1
      ? {
          totalHits: hits,
          timeToExpire: seconds,
          isBlocked: true,
          timeToBlockExpire: seconds,
          firstRejection: first === 1,
        }
      : { totalHits: hits, timeToExpire: seconds, isBlocked: false, timeToBlockExpire: 0, firstRejection: false };
  }

  async blockedFor(key: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.keys(key)[1]));
  }

  private keys(key: string): string[] {
    const base = `${this.prefix}{${key}}`;
    return [`${base}:hits`, `${base}:block`, `${base}:strikes`];
  }

  /** EVALSHA, loading the script on NOSCRIPT (after a Redis restart or failover). */
  private async run(keys: string[], args: string[]): Promise<ScriptReply> {
    try {
      return (await this.redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args)) as ScriptReply;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await this.redis.eval(SCRIPT, keys.length, ...keys, ...args)) as ScriptReply;
    }
  }
}
