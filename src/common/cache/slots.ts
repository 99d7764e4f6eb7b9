import { LRUCache } from 'lru-cache';

/** lru-cache holds no null/undefined values: every value is boxed, so `null` ("known absent") can be cached. */
export interface Box<V> {
  value: V;
}

export interface Clock {
  now(): number;
}

/** Where a Cache keeps its entries. `ttl` in ms; 0 = no expiry. Expired entries read as missing. */
export interface Slots<K, V> {
  get(key: K): Box<V> | undefined;
  set(key: K, box: Box<V>, ttl: number): void;
  delete(key: K): void;
  clear(): void;
  /** Drops expired entries now. */
  prune(): void;
  readonly size: number;
}

/** Bounded: least recently used goes first (lru-cache). */
export function lruSlots<K extends string, V>(max: number, clock?: Clock): Slots<K, V> {
  const lru = new LRUCache<K, Box<V>>({
    max,
    // Expired entries are dropped when read (no timers per entry).
    ttlAutopurge: false,
    // lru-cache reuses a clock reading for 1 ms; a test clock must be read every time.
    ...(clock ? { perf: clock, ttlResolution: 0 } : {}),
  });
  return {
    get: (key) => lru.get(key),
    set: (key, box, ttl) => void lru.set(key, box, { ttl }),
    delete: (key) => void lru.delete(key),
    clear: () => lru.clear(),
    prune: () => void lru.purgeStale(),
    get size() {
      return lru.size;
    },
  };
}

/**
 * Unbounded, for a replica rather than a cache (the revocation set): there,
 * dropping an entry for room would bring a revoked token back to life. Its
 * size is bounded by the data itself; expired entries go on read or `prune`.
 */
export function unboundedSlots<K, V>(clock: Clock = Date): Slots<K, V> {
  const map = new Map<K, { box: Box<V>; until: number }>();
  const live = (e: { until: number }): boolean => e.until === 0 || e.until > clock.now();
  return {
    get(key) {
      const e = map.get(key);
      if (!e) return undefined;
      if (live(e)) return e.box;
      map.delete(key);
      return undefined;
    },
    set: (key, box, ttl) => void map.set(key, { box, until: ttl === 0 ? 0 : clock.now() + ttl }),
    delete: (key) => void map.delete(key),
    clear: () => map.clear(),
    prune() {
      for (const [key, e] of map) if (!live(e)) map.delete(key);
    },
    get size() {
      return map.size;
    },
  };
}
