import { Injectable, OnModuleInit } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { Database } from '../database/database.service';
import { ClusterEvents } from './cluster-events.service';
import { cutOff, IssueTime } from './cutoff';
import { REVOCATION_ADDED, REVOCATION_REMOVED, RevocationEntry, RevocationKind } from './revocation.types';

/** What a token says about itself, for the revocation check. */
export interface RevocationSubject extends IssueTime {
  jti?: string;
  sid?: string;
  userId?: string;
  clientId?: string;
  apiKeyId?: string;
}

interface RevocationRow {
  kind: RevocationKind;
  subject: string;
  cutoff: Date | null;
  expires_at: Date | null;
}

const SWEEP_MS = 60_000;
const KINDS: readonly RevocationKind[] = ['jti', 'sid', 'user', 'user_off', 'client', 'api_key'];

/** Each entry lives until the token it kills would have expired anyway (`expiresAt`), or for ever. */
function entrySet(): Cache<string, RevocationEntry> {
  // A replica of the `revocations` table, not a cache: dropping an entry for room would
  // bring a revoked token back, so it is unbounded (its size is the table's live rows).
  return new Cache<string, RevocationEntry>({
    max: Infinity,
    ttl: (e) => (e.expiresAt ? e.expiresAt * 1000 - Date.now() : undefined),
  });
}

/**
 * The in-memory revocation set (DESIGN.md decision 4): loaded at start and
 * after every feed reconnect, updated by cluster events, each entry dropped
 * once the token it kills would have expired anyway. Checks are map lookups.
 */
@Injectable()
export class RevocationStore implements OnModuleInit {
  private readonly sets = Object.fromEntries(KINDS.map((k) => [k, entrySet()])) as Record<
    RevocationKind,
    Cache<string, RevocationEntry>
  >;
  /** Events that arrived while a reload's query ran: replayed over its result, which may predate them. */
  private duringReload?: Array<() => void>;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events.on(REVOCATION_ADDED, (e) => this.record(() => this.apply(e.entry as RevocationEntry)));
    this.events.on(REVOCATION_REMOVED, (e) =>
      this.record(() => this.sets[e.kind as RevocationKind]?.delete(String(e.subject))),
    );
    this.events.onSync(() => this.reload());
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  apply(entry: RevocationEntry): void {
    const current = this.sets[entry.kind].get(entry.subject);
    // A later user cutoff supersedes an earlier one.
    if (current && entry.kind === 'user' && (current.cutoffMs ?? 0) > (entry.cutoffMs ?? 0)) return;
    this.sets[entry.kind].set(entry.subject, entry);
  }

  async reload(): Promise<void> {
    const replay: Array<() => void> = [];
    this.duringReload = replay;
    try {
      const rows = await this.db.query<RevocationRow>(
        `SELECT kind, subject, cutoff, expires_at FROM revocations WHERE expires_at IS NULL OR expires_at > now()`,
      );
      for (const set of Object.values(this.sets)) set.clear();
      for (const row of rows) {
        this.apply({
          kind: row.kind,
          subject: row.subject,
          cutoffMs: row.cutoff ? row.cutoff.getTime() : null,
          expiresAt: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : null,
        });
      }
      // A revocation announced while the query ran may be missing from its snapshot.
      for (const change of replay) change();
    } finally {
      if (this.duringReload === replay) this.duringReload = undefined;
    }
  }

  isRevoked(s: RevocationSubject): boolean {
    if (s.jti !== undefined && this.sets.jti.get(s.jti)) return true;
    if (s.sid !== undefined && this.sets.sid.get(s.sid)) return true;
    if (s.apiKeyId !== undefined && this.sets.api_key.get(s.apiKeyId)) return true;
    if (s.clientId !== undefined && this.sets.client.get(s.clientId)) return true;
    if (s.userId !== undefined) {
      if (this.sets.user_off.get(s.userId)) return true;
      const cut = this.sets.user.get(s.userId)?.cutoffMs;
      if (cut !== undefined && cut !== null && cutOff(cut, s)) return true;
    }
    return false;
  }

  private record(change: () => void): void {
    change();
    this.duringReload?.push(change);
  }

  private sweep(): void {
    for (const set of Object.values(this.sets)) set.sweep();
  }
}
