import { SingleFlight } from '../core/single-flight';
import { Clock } from '../core/types';

export interface IssuedToken {
  token: string;
  /** Epoch ms. */
  issuedAt: number;
  expiresAt: number;
}

/**
 * Tokens by key, renewed after `renewAt` of their life with one request in flight per key.
 * Between renewAt and expiry the old token is still served while the renewal runs, so a slow
 * issuer does not stall callers; past expiry (less a 1 s margin) callers wait for the new one.
 */
export class TokenCache {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly flight = new SingleFlight<IssuedToken>();

  constructor(
    private readonly now: Clock,
    private readonly renewAt: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, fetchNew: () => Promise<IssuedToken>, forceRefresh = false): Promise<string> {
    const cached = this.tokens.get(key);
    const now = this.now();
    if (cached && !forceRefresh && now < cached.expiresAt - 1000) {
      const renewal = cached.issuedAt + (cached.expiresAt - cached.issuedAt) * this.renewAt;
      // A background renewal's failure is not the caller's problem while the old token is valid.
      if (now >= renewal) this.refresh(key, fetchNew).catch(() => undefined);
      return cached.token;
    }
    return (await this.refresh(key, fetchNew, forceRefresh ? cached?.token : undefined)).token;
  }

  /** Drops one key (e.g. after a 401 showed the token is dead). */
  invalidate(key: string): void {
    this.tokens.delete(key);
  }

  private refresh(key: string, fetchNew: () => Promise<IssuedToken>, stale?: string): Promise<IssuedToken> {
    return this.flight.run(key, async () => {
      const current = this.tokens.get(key);
      // Another caller's forced refresh already replaced the token we found dead.
      if (stale && current && current.token !== stale) return current;
      const issued = await fetchNew();
      this.store(key, issued);
      return issued;
    });
  }

  private store(key: string, issued: IssuedToken): void {
    this.tokens.delete(key);
    if (this.tokens.size >= this.maxEntries) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    this.tokens.set(key, issued);
  }
}
