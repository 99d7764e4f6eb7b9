import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { FeedEntry, FeedItem, FeedKind } from './revocation-feed.types';

interface FeedRow {
  id: string;
  kind: FeedKind;
  value: string;
  revoked_at: Date;
  until: Date | null;
}

/** Serialises appends: the lock is held from the INSERT to COMMIT, so ids commit in ascending order. */
const APPEND_LOCK = 7_342_001;
const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
const COLUMNS = 'id::text AS id, kind, value, revoked_at, until';

function toItem(row: FeedRow): FeedItem {
  return {
    cursor: row.id,
    entry: {
      kind: row.kind,
      value: row.value,
      revoked_at: seconds(row.revoked_at),
      until: row.until ? seconds(row.until) : null,
    },
  };
}

/** SQL of the revocation feed (table `revocation_feed`). Cursors are the bigint ids as decimal strings. */
@Injectable()
export class RevocationFeedRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends inside `tx`. Meant to run last before COMMIT (Tx.beforeCommit): the advisory lock
   * makes concurrent appenders commit one after the other, so a reader that has seen id N has
   * seen every id below N that will ever commit. A `sid` entry lives as long as the family's
   * last refresh token could (API.md: "refresh tokens of a family included").
   */
  async append(tx: Tx, entries: FeedEntry[]): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    await tx.query(
      `INSERT INTO revocation_feed (kind, value, revoked_at, until)
       SELECT e.kind, e.value, to_timestamp(e.revoked_at),
         CASE WHEN e.kind = 'sid'
           THEN GREATEST(
             to_timestamp(e.until),
             (SELECT max(r.expires_at) FROM refresh_tokens r WHERE r.family_id = e.value::uuid))
           ELSE to_timestamp(e.until) END
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) AS e(kind, value, revoked_at, until)`,
      [
        entries.map((e) => e.kind),
        entries.map((e) => e.value),
        entries.map((e) => e.revoked_at),
        entries.map((e) => e.until),
      ],
    );
  }

  /**
   * Entries still in force with `after < id <= upTo`, oldest first. Entries past their `until`
   * are skipped everywhere: they no longer matter to anyone (and are pruned soon).
   */
  async page(after: string, upTo: string | undefined, limit: number): Promise<FeedItem[]> {
    const rows = await this.db.query<FeedRow>(
      `SELECT ${COLUMNS} FROM revocation_feed
       WHERE id > $1 AND ($2::bigint IS NULL OR id <= $2) AND (until IS NULL OR until > now())
       ORDER BY id LIMIT $3`,
      [after, upTo ?? null, limit],
    );
    return rows.map(toItem);
  }

  /** The newest id ever committed (0 when none): where a reader without a cursor starts. */
  async head(): Promise<string> {
    const row = await this.db.one<{ head: string }>(`SELECT COALESCE(max(id), 0)::text AS head FROM revocation_feed`);
    return row?.head ?? '0';
  }

  /** Drops entries that no longer matter; returns how many. */
  async prune(): Promise<number> {
    const rows = await this.db.query<{ id: string }>('DELETE FROM revocation_feed WHERE until < now() RETURNING id');
    return rows.length;
  }
}
