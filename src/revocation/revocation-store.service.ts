import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClusterEvents } from './cluster-events.service';
import { Database } from '../database/database.service';
import { REVOCATION_ADDED, REVOCATION_REMOVED, RevocationEntry, RevocationKind } from './revocation.types';

/** What a token says about itself, for the revocation check. */
export interface RevocationSubject {
  jti?: string;
  sid?: string;
  userId?: string;
  clientId?: string;
  apiKeyId?: string;
  iat?: number;
}

const SWEEP_MS = 60_000;

/**
 * The in-memory revocation set (DESIGN.md decision 4): loaded at start and
 * after every feed reconnect, updated by cluster events, each entry dropped
 * once the token it kills would have expired anyway. Checks are map lookups.
 */
@Injectable()
export class RevocationStore implements OnModuleInit {
  private readonly sets: Record<RevocationKind, Map<string, RevocationEntry>> = {
    jti: new Map(),
    sid: new Map(),
    user: new Map(),
    user_off: new Map(),
    client: new Map(),
    api_key: new Map(),
  };
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events.on(REVOCATION_ADDED, (e) => this.apply(e.entry as RevocationEntry));
    this.events.on(REVOCATION_REMOVED, (e) => this.sets[e.kind as RevocationKind]?.delete(String(e.subject)));
    this.events.onSync(() => this.reload());
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  apply(entry: RevocationEntry): void {
    const current = this.sets[entry.kind].get(entry.subject);
    // A later user cutoff supersedes an earlier one.
    if (current && entry.kind === 'user' && (current.cutoff ?? 0) > (entry.cutoff ?? 0)) return;
    this.sets[entry.kind].set(entry.subject, entry);
  }

  async reload(): Promise<void> {
    const rows = await this.db.query<{ kind: RevocationKind; subject: string; cutoff: Date | null; expires_at: Date | null }>(
      `SELECT kind, subject, cutoff, expires_at FROM revocations WHERE expires_at IS NULL OR expires_at > now()`,
    );
    for (const set of Object.values(this.sets)) set.clear();
    for (const row of rows) {
      this.apply({
        kind: row.kind,
        subject: row.subject,
        cutoff: row.cutoff ? Math.floor(row.cutoff.getTime() / 1000) : null,
        expiresAt: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : null,
      });
    }
  }

  isRevoked(s: RevocationSubject): boolean {
    if (s.jti !== undefined && this.sets.jti.has(s.jti)) return true;
    if (s.sid !== undefined && this.sets.sid.has(s.sid)) return true;
    if (s.apiKeyId !== undefined && this.sets.api_key.has(s.apiKeyId)) return true;
    if (s.clientId !== undefined && this.sets.client.has(s.clientId)) return true;
    if (s.userId !== undefined) {
      if (this.sets.user_off.has(s.userId)) return true;
      const cut = this.sets.user.get(s.userId)?.cutoff;
      if (cut !== undefined && cut !== null && (s.iat === undefined || s.iat <= cut)) return true;
    }
    return false;
  }

  private sweep(): void {
    const now = Date.now() / 1000;
    for (const set of Object.values(this.sets)) {
      for (const [key, entry] of set) if (entry.expiresAt && entry.expiresAt < now) set.delete(key);
    }
  }
}
