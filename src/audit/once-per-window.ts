/** What a damped failure turns into: a row to write now, or nothing (counted for a later row). */
export type Admission<T> = { write: true; count: number } | { write: false; context: T };

/** A row owed for a window that has closed with failures that were not written. */
export interface Owed<T> {
  key: string;
  count: number;
  /** The context of the last suppressed failure (who, from where), for the owed row. */
  context: T;
}

interface Slot<T> {
  until: number;
  suppressed: number;
  context?: T;
}

/**
 * The one damping rule for high-volume failure events (client.auth_failed,
 * api_key.auth_failed, introspection.unauthorized, mfa.failed,
 * rate_limit.exceeded, signature.rejected): at most ONE row per key and
 * window, and no failure goes uncounted.
 *
 * - The first failure of a key writes at once (count 1) and opens a window.
 * - Later failures in the window are only counted.
 * - When a window closes with counted failures, `drain` owes one row for
 *   them (count = how many); that row opens the key's next window, so a
 *   flood that lasts writes one row per window, each carrying its count.
 *   The counts of a key's rows add up to its failures.
 * - Memory is bounded: past `maxKeys`, new keys share one overflow key per
 *   `overflowKey(key)`, so random keys cannot turn into one row each.
 */
export class OncePerWindow<T = undefined> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly overflowKey: (key: string) => string = () => '*overflow*',
  ) {}

  admit(rawKey: string, context: T, now = Date.now()): Admission<T> {
    const key = this.slots.has(rawKey) || this.slots.size < this.maxKeys ? rawKey : this.overflowKey(rawKey);
    const slot = this.slots.get(key);
    if (slot && slot.until > now) {
      slot.suppressed += 1;
      slot.context = context;
      return { write: false, context };
    }
    // A closed window that still owes a row is folded into this one (drain was late): nothing is lost.
    const owed = slot?.suppressed ?? 0;
    this.slots.set(key, { until: now + this.windowMs, suppressed: 0 });
    return { write: true, count: owed + 1 };
  }

  /** Rows owed by windows closed at `now`; keys with nothing owed are forgotten. */
  drain(now = Date.now()): Owed<T>[] {
    const owed: Owed<T>[] = [];
    for (const [key, slot] of this.slots) {
      if (slot.until > now) continue;
      if (slot.suppressed > 0) {
        owed.push({ key, count: slot.suppressed, context: slot.context as T });
        this.slots.set(key, { until: now + this.windowMs, suppressed: 0 });
      } else {
        this.slots.delete(key);
      }
    }
    return owed;
  }

  get size(): number {
    return this.slots.size;
  }
}
