export interface Admission {
  /** Failures of the same bucket not written since its previous row. */
  suppressed: number;
  /** Failures of any bucket dropped by the overall cap since the previous row. */
  dropped: number;
}

/**
 * Decides which failed key authentications become audit rows: one per
 * bucket (a lookup id, or `malformed`) per window, and at most
 * `maxPerWindow` rows per window overall. Why both: a flood of garbage keys
 * with random lookup ids would otherwise still be one INSERT per request.
 * What is not written is counted and reported on the next row.
 */
export class FailureAuditLimiter {
  private readonly buckets = new Map<string, { until: number; suppressed: number }>();
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private dropped = 0;

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxPerWindow = 100,
    private readonly maxBuckets = 10_000,
  ) {}

  /** An admission when this failure should be written, null when it is only counted. */
  admit(bucket: string, now = Date.now()): Admission | null {
    const seen = this.buckets.get(bucket);
    if (seen && seen.until > now) {
      seen.suppressed += 1;
      return null;
    }
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written >= this.maxPerWindow) {
      this.dropped += 1;
      return null;
    }
    this.written += 1;
    const admission = { suppressed: seen?.suppressed ?? 0, dropped: this.dropped };
    this.dropped = 0;
    this.remember(bucket, now);
    return admission;
  }

  private remember(bucket: string, now: number): void {
    this.buckets.delete(bucket);
    if (this.buckets.size >= this.maxBuckets) {
      for (const [k, v] of this.buckets) if (v.until <= now) this.buckets.delete(k);
      if (this.buckets.size >= this.maxBuckets) this.buckets.clear();
    }
    this.buckets.set(bucket, { until: now + this.windowMs, suppressed: 0 });
  }
}
