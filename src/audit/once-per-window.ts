/**
 * Remembers keys for a window: `first(key)` is true once per key and window.
 * Used to write high-volume failure events (garbage credentials, rate limits)
 * once per source and minute instead of once per request.
 */
export class OncePerWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  first(key: string, now = Date.now()): boolean {
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.maxKeys) {
      for (const [k, t] of this.seen) if (t <= now) this.seen.delete(k);
      if (this.seen.size >= this.maxKeys) this.seen.clear();
    }
    this.seen.set(key, now + this.windowMs);
    return true;
  }
}
