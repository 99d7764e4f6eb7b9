import { Box, Clock, lruSlots, Slots, unboundedSlots } from './slots';

export interface CacheOptions<V> {
  /**
   * Most entries kept; the least recently used goes first. `Infinity` only
   * for a replica whose entries must never be dropped for room (revocations).
   */
  max: number;
  /**
   * When set, `null` values ("known absent") are kept apart, at most this
   * many: a flood of made-up keys then cannot push the real entries out.
   */
  maxAbsent?: number;
  /**
   * How long a value may be served, in ms, decided per value (a token's
   * remaining life, a short time for "not found"). Infinity or undefined:
   * until invalidated or evicted. Zero or less: not cached at all.
   */
  ttl?: (value: V) => number | undefined;
  /** Tests only: the clock the TTLs are measured on (milliseconds). */
  clock?: Clock;
}

/**
 * The one cache primitive of the service (DESIGN.md decision 4): a size
 * bound (LRU, via lru-cache), a TTL per value, single flight (concurrent
 * misses on one key share one load) and invalidation (`delete`, `clear`),
 * wired to cluster events by the owner.
 *
 * A load that an invalidation overtook is returned to its callers but not
 * kept: its answer may predate the change that was announced, and keeping
 * it would undo the invalidation until the TTL runs out. The check is by
 * generation: every invalidation bumps it, a load keeps its result only if
 * the generation is the one it started in.
 */
export class Cache<K extends string, V> {
  private readonly entries: Slots<K, V>;
  private readonly absent: Slots<K, V>;
  private readonly loading = new Map<K, Promise<V>>();
  private readonly ttlOf: (value: V) => number | undefined;
  private generation = 0;

  constructor(options: CacheOptions<V>) {
    if (!(options.max > 0)) throw new RangeError('cache max must be positive');
    this.ttlOf = options.ttl ?? (() => undefined);
    const slots = (max: number): Slots<K, V> =>
      max === Infinity ? unboundedSlots<K, V>(options.clock) : lruSlots<K, V>(max, options.clock);
    this.entries = slots(options.max);
    this.absent = options.maxAbsent ? slots(options.maxAbsent) : this.entries;
  }

  private lookup(key: K): Box<V> | undefined {
    return this.entries.get(key) ?? (this.absent === this.entries ? undefined : this.absent.get(key));
  }

  /** The cached value, or undefined on a miss. Synchronous: the hot path awaits nothing. */
  get(key: K): V | undefined {
    return this.lookup(key)?.value;
  }

  /** Stores a value the caller computed itself (not through `getOrLoad`). */
  set(key: K, value: V): void {
    const ttl = this.ttlOf(value);
    this.entries.delete(key);
    this.absent.delete(key);
    if (ttl !== undefined && !(ttl > 0)) return;
    const store = value === null ? this.absent : this.entries;
    store.set(key, { value }, ttl === undefined || ttl === Infinity ? 0 : Math.ceil(ttl));
  }

  /**
   * The cached value, or the result of `load` (kept per the TTL unless an
   * invalidation overtook it). Concurrent callers for one key share one load;
   * a failed load is not kept and the next caller tries again.
   */
  getOrLoad(key: K, load: (key: K) => Promise<V>): Promise<V> {
    const hit = this.lookup(key);
    if (hit) return Promise.resolve(hit.value);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const pending = load(key).then((value) => {
      if (generation === this.generation) this.set(key, value);
      return value;
    });
    const settled = (): void => {
      if (this.loading.get(key) === pending) this.loading.delete(key);
    };
    pending.then(settled, settled);
    this.loading.set(key, pending);
    return pending;
  }

  /** Invalidates one key, and any load in flight: callers after this start a fresh one. */
  delete(key: K): void {
    this.generation++;
    this.entries.delete(key);
    this.absent.delete(key);
    this.loading.delete(key);
  }

  /** Invalidates everything, including loads in flight. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.absent.clear();
    this.loading.clear();
  }

  /** Drops expired entries now (an unbounded cache otherwise keeps them until read). */
  sweep(): void {
    this.entries.prune();
    if (this.absent !== this.entries) this.absent.prune();
  }

  /** Entries held, known-absent ones included. */
  get size(): number {
    return this.entries.size + (this.absent === this.entries ? 0 : this.absent.size);
  }
}
