/** One entry of the revocation feed (API.md "Revocation feed"). */
export interface RevocationEntry {
  kind: 'jti' | 'sid' | 'sub' | 'api_key' | 'kid';
  value: string;
  /** NumericDate seconds. */
  revoked_at: number;
  /** NumericDate seconds; null: forever (an API key that never expires). */
  until: number | null;
}

/** What a credential is checked against: any field may be absent. */
export interface RevocationSubject {
  jti?: string;
  sid?: string;
  sub?: string;
  /** The owner behind an API key (a disabled user's keys are inactive). */
  owner?: string;
  apiKey?: string;
  kid?: string;
  /** NumericDate seconds. */
  iat?: number;
}

interface Held {
  revokedAt: number;
  until: number;
}

const KINDS: RevocationEntry['kind'][] = ['jti', 'sid', 'sub', 'api_key', 'kid'];

/** The revocations in force, by kind and value; entries past `until` are dropped. */
export class RevocationSet {
  private readonly entries = new Map<RevocationEntry['kind'], Map<string, Held>>(KINDS.map((k) => [k, new Map()]));

  constructor(private readonly nowSeconds: () => number) {}

  add(entry: RevocationEntry): void {
    const byValue = this.entries.get(entry.kind);
    if (!byValue || typeof entry.value !== 'string') return;
    const until = entry.until ?? Number.POSITIVE_INFINITY;
    const held = byValue.get(entry.value);
    // A later `sub` entry (e.g. a second disable) must not shorten an earlier, longer one.
    byValue.set(entry.value, {
      revokedAt: Math.max(held?.revokedAt ?? 0, entry.revoked_at),
      until: Math.max(held?.until ?? 0, until),
    });
  }

  isRevoked(s: RevocationSubject): boolean {
    const now = this.nowSeconds();
    if (this.live('jti', s.jti, now) || this.live('sid', s.sid, now) || this.live('kid', s.kid, now)) return true;
    if (this.live('api_key', s.apiKey, now)) return true;
    const owner = this.live('sub', s.owner, now);
    if (owner) return true;
    const sub = this.live('sub', s.sub, now);
    // "Every token issued before revoked_at": with second resolution a token from the same
    // second is ambiguous, and we refuse it (fail closed) rather than let a pre-disable token live.
    return !!sub && (s.iat === undefined || s.iat <= sub.revokedAt);
  }

  size(): number {
    let n = 0;
    for (const m of this.entries.values()) n += m.size;
    return n;
  }

  prune(): void {
    const now = this.nowSeconds();
    for (const byValue of this.entries.values()) {
      for (const [value, held] of byValue) if (held.until < now) byValue.delete(value);
    }
  }

  private live(kind: RevocationEntry['kind'], value: string | undefined, now: number): Held | undefined {
    if (value === undefined) return undefined;
    const held = this.entries.get(kind)?.get(value);
    return held && held.until >= now ? held : undefined;
  }
}
