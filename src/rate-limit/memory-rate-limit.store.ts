import { backoffMs, RateLimitRecord, RateLimitStore, STRIKE_MEMORY_MS, toSeconds } from './rate-limit-store';

interface Slot {
  hits: number;
  windowEnds: number;
  blockedUntil: number;
  strikes: number;
  strikesUntil: number;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * The per-instance store: the default without REDIS_URL, and the fallback
 * when Redis is unreachable. Same semantics as the Redis script (fixed
 * window, block, backoff), so a failover changes the scope of a budget
 * (one instance instead of the fleet), not its meaning.
 *
 * Memory is bounded: idle slots are swept once a minute, and past
 * `maxKeys` the oldest unblocked slots go first, so a flood of distinct
 * keys (usernames) cannot exhaust the heap nor lift an active block.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly slots = new Map<string, Slot>();
  private lastSweep: number;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 200_000,
  ) {
    this.lastSweep = clock();
  }

  async increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
    _throttlerName?: string,
  ): Promise<RateLimitRecord> {
    const now = this.clock();
    const slot = this.slotFor(key, now);
    if (slot.blockedUntil > now) return blocked(slot, now, false);
    if (slot.windowEnds <= now) {
      slot.hits = 0;
      slot.windowEnds = now + ttlMs;
    }
    if (slot.strikesUntil <= now) slot.strikes = 0;
    slot.hits += 1;
    if (slot.hits > limit) {
      slot.strikes += 1;
      slot.strikesUntil = now + STRIKE_MEMORY_MS;
      slot.blockedUntil = now + backoffMs(blockMs, slot.strikes);
      // The window after a block starts with the first request after it.
      slot.hits = 0;
      slot.windowEnds = now;
      return blocked(slot, now, true, limit + 1);
    }
    return {
      totalHits: slot.hits,
      timeToExpire: toSeconds(slot.windowEnds - now),
      isBlocked: false,
      timeToBlockExpire: 0,
      firstRejection: false,
    };
  }

  async blockedFor(key: string): Promise<number> {
    const until = this.slots.get(key)?.blockedUntil ?? 0;
    return Math.max(0, until - this.clock());
  }

  size(): number {
    return this.slots.size;
  }

  private slotFor(key: string, now: number): Slot {
    let slot = this.slots.get(key);
    if (!slot) {
      if (now - this.lastSweep >= SWEEP_EVERY_MS || this.slots.size >= this.maxKeys) this.sweep(now);
      slot = { hits: 0, windowEnds: 0, blockedUntil: 0, strikes: 0, strikesUntil: 0 };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, s] of this.slots) {
      if (s.windowEnds <= now && s.blockedUntil <= now && s.strikesUntil <= now) this.slots.delete(key);
    }
    // Still full of live slots: drop the oldest unblocked tenth (Map keeps insertion order).
    let drop = this.slots.size >= this.maxKeys ? Math.ceil(this.maxKeys / 10) : 0;
    for (const [key, s] of this.slots) {
      if (drop <= 0) break;
      if (s.blockedUntil > now) continue;
      this.slots.delete(key);
      drop -= 1;
    }
  }
}

function blocked(slot: Slot, now: number, firstRejection: boolean, totalHits = 0): RateLimitRecord {
  const remaining = toSeconds(slot.blockedUntil - now);
  return { totalHits, timeToExpire: remaining, isBlocked: true, timeToBlockExpire: remaining, firstRejection };
}
