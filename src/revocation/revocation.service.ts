import { Injectable } from '@nestjs/common';
import { ClusterEvents } from './cluster-events.service';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { Tx } from '../database/tx';
import { RevocationFeedWriter } from './revocation-feed.writer';
import { REVOCATION_ADDED, REVOCATION_REMOVED, RevocationEntry, RevocationKind } from './revocation.types';

const toDate = (ms: number | null | undefined): Date | null => (ms ? new Date(ms) : null);

/**
 * Writes revocations: a row in `revocations` and a NOTIFY, both inside the
 * caller's transaction, then the local set once it commits.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly events: ClusterEvents,
    private readonly feed: RevocationFeedWriter,
    private readonly db: Database,
  ) {}

  async revoke(tx: Tx, entry: RevocationEntry): Promise<void> {
    await tx.query(
      `INSERT INTO revocations (kind, subject, cutoff, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, subject) DO UPDATE SET
         cutoff = GREATEST(revocations.cutoff, EXCLUDED.cutoff),
         expires_at = CASE WHEN revocations.expires_at IS NULL OR EXCLUDED.expires_at IS NULL THEN NULL
                           ELSE GREATEST(revocations.expires_at, EXCLUDED.expires_at) END`,
      [entry.kind, entry.subject, toDate(entry.cutoffMs), toDate(entry.expiresAt && entry.expiresAt * 1000)],
    );
    await this.events.publish(tx, { type: REVOCATION_ADDED, entry });
    // Resource services learn it from the revocation feed, committed with the same transaction.
    this.feed.appendRevocation(tx, entry);
  }

  /**
   * Deletes up to `limit` entries whose token has expired anyway: nothing
   * reads them (the store loads live entries only). The number deleted.
   */
  async deleteExpired(limit: number, q: Queryable = this.db): Promise<number> {
    const gone = await q.query(
      'DELETE FROM revocations WHERE id IN (SELECT id FROM revocations WHERE expires_at < now() LIMIT $1) RETURNING 1',
      [limit],
    );
    return gone.length;
  }

  /** Lifts an open-ended entry (a re-enabled user). */
  async lift(tx: Tx, kind: RevocationKind, subject: string): Promise<void> {
    await tx.query('DELETE FROM revocations WHERE kind = $1 AND subject = $2', [kind, subject]);
    await this.events.publish(tx, { type: REVOCATION_REMOVED, kind, subject });
  }
}
