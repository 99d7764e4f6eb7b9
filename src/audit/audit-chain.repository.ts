import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { AUDIT_ROW_COLUMNS, AUDIT_ROW_FROM, RawAuditRow, toAuditEvent, UNSEALED_ROWS } from './audit-row';
import { Checkpoint } from './checkpoint-signer';
import { AuditEventDto } from './dto/audit-event.dto';

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The sealer's low watermark: every row with an id at or below
 * `sealedBelow` that ever commits is sealed, so a batch looks above it only.
 * `pendingBelow` becomes the watermark once every transaction open when it
 * was set has ended (`pendingDone`): a row below it that its batch could not
 * see yet is then committed, and the next batch, still reading from the old
 * watermark, finds it.
 */
export interface Watermarks {
  sealedBelow: string;
  pendingBelow: string;
  /** Stamp pending_at now (a new pending watermark); else it stays. */
  pendingNow: boolean;
}

export interface BatchHead extends ChainHead {
  sealedBelow: string;
  pendingBelow?: string;
  pendingDone: boolean;
}

interface RawBatchHead {
  seq: string;
  hash: string;
  sealed_below: string;
  pending_below: string | null;
  pending_done: boolean;
}

const CHECKPOINT_COLUMNS = `seq::text AS seq, hash, signature, kid,
  to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at`;

type RawCheckpoint = Omit<Checkpoint, 'seq'> & { seq: string };

const toCheckpoint = (raw: RawCheckpoint): Checkpoint => ({ ...raw, seq: Number(raw.seq) });

/** SQL of the hash chain: the sealer's queue and watermark, sealed rows by seq, the head, checkpoints, retention. */
@Injectable()
export class AuditChainRepository {
  constructor(private readonly db: Database) {}

  /**
   * The head as a batch starts from, and whether the pending watermark may
   * be taken: no transaction of a client that was open at `pending_at` is
   * still open. Checked before the batch reads its rows, so what those
   * transactions wrote is visible to the read. Only the holder of the
   * sealer's advisory lock writes the head, so it is read without a row
   * lock (a lock would make a batch with nothing to seal write WAL); should
   * two batches ever start from one head, the primary key on
   * `audit_seals.seq` refuses the second.
   */
  async batchHead(tx: Queryable): Promise<BatchHead> {
    const [row] = await tx.query<RawBatchHead>(
      `SELECT h.seq::text AS seq, h.hash, h.sealed_below::text AS sealed_below,
              h.pending_below::text AS pending_below,
              h.pending_below IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM pg_stat_activity a
                WHERE a.datname = current_database() AND a.backend_type = 'client backend'
                  AND a.pid <> pg_backend_pid() AND a.xact_start <= h.pending_at) AS pending_done
       FROM audit_chain_head h`,
    );
    return {
      seq: Number(row.seq),
      hash: row.hash,
      sealedBelow: row.sealed_below,
      pendingBelow: row.pending_below ?? undefined,
      pendingDone: row.pending_done,
    };
  }

  async head(q: Queryable = this.db): Promise<ChainHead> {
    const [row] = await q.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head');
    return { seq: Number(row.seq), hash: row.hash };
  }

  /**
   * The start of a sealing batch, in one statement: the fleet-wide advisory
   * lock, and planner settings for this transaction only, so that a batch
   * costs the same on a table of any size, with or without fresh statistics:
   * the queue is a range scan of the primary key with one probe of
   * `audit_seals` per row, never a hash join over a whole table nor a
   * sequential scan (both were seen with stale statistics). `jit` off: the
   * penalty cost of a disabled plan node must not buy a JIT compilation.
   */
  async beginBatch(tx: Queryable, lock: number): Promise<boolean> {
    const [row] = await tx.query<{ locked: boolean }>(
      `SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true),
              set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
              set_config('enable_material', 'off', true), set_config('jit', 'off', true),
              pg_try_advisory_xact_lock($1) AS locked`,
      [lock],
    );
    return row.locked;
  }

  /**
   * Committed rows with an id above `afterId` and no seal, by id: what a
   * sealing batch takes, in a deterministic order. `afterId` is the
   * watermark or above it (a batch that goes on after the previous one).
   */
  async unsealed(tx: Queryable, limit: number, afterId: string): Promise<AuditEventDto[]> {
    const rows = await tx.query<RawAuditRow>(
      `SELECT ${AUDIT_ROW_COLUMNS} FROM ${AUDIT_ROW_FROM}
       WHERE audit_events.id > $2::bigint AND audit_seals.seq IS NULL
       ORDER BY audit_events.id LIMIT $1`,
      [limit, afterId],
    );
    return rows.map(toAuditEvent);
  }

  /** Whether a row waits for its seal: the sealer's idle probe, one short index range. */
  async hasUnsealed(q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query<{ one: number }>(`SELECT 1 AS one FROM ${UNSEALED_ROWS} LIMIT 1`);
    return rows.length > 0;
  }

  /**
   * Seals rows `ids` (in this order) with seqs from `firstSeq` and their
   * hashes, moves the head to the last and sets the watermarks, in one
   * statement. `pendingNow` stamps `pending_at` with the clock of this
   * statement, which runs after the batch's read.
   */
  async seal(tx: Queryable, firstSeq: number, ids: string[], hashes: string[], marks: Watermarks): Promise<void> {
    await tx.query(
      `WITH sealed AS (
         INSERT INTO audit_seals (seq, event_id, hash)
         SELECT $1::bigint + v.n - 1, v.id, v.hash
         FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS v(id, hash, n)
         RETURNING 1)
       UPDATE audit_chain_head SET seq = $1::bigint + $4::int - 1, hash = $5, sealed_at = now(),
         sealed_below = $6::bigint, pending_below = $7::bigint,
         pending_at = CASE WHEN $8::boolean THEN clock_timestamp() ELSE pending_at END`,
      [
        firstSeq,
        ids,
        hashes,
        ids.length,
        hashes[hashes.length - 1],
        marks.sealedBelow,
        marks.pendingBelow,
        marks.pendingNow,
      ],
    );
  }

  /**
   * Sealed rows with seqs from `from` to `to`, at most the first `limit`
   * seqs of that range, by seq. Seqs are gap-free, so the window bounds the
   * page whatever the planner believes: "ORDER BY seq LIMIT n" over the
   * open range was planned, without statistics, as a bitmap scan and a sort
   * of every later row for each page. Each seal's row is then found by its
   * primary key (a hash join would read the whole table for every page). A
   * page is short where seals or rows are missing: verification names that
   * gap.
   */
  async sealedRange(from: number, to: number, limit: number): Promise<AuditEventDto[]> {
    const rows = await this.db.query<RawAuditRow>(
      `SELECT ${AUDIT_ROW_COLUMNS}
       FROM (SELECT s.seq, s.event_id, s.hash FROM audit_seals s
             WHERE s.seq >= $1 AND s.seq <= least($2::bigint, $1::bigint + $3::int - 1)) audit_seals
       CROSS JOIN LATERAL (SELECT * FROM audit_events e WHERE e.id = audit_seals.event_id OFFSET 0) audit_events
       ORDER BY audit_seals.seq`,
      [from, to, limit],
    );
    return rows.map(toAuditEvent);
  }

  async storedHash(seq: number): Promise<string | undefined> {
    return (await this.db.query<{ hash: string }>('SELECT hash FROM audit_seals WHERE seq = $1', [seq]))[0]?.hash;
  }

  async firstRetainedSeq(): Promise<number | undefined> {
    const [row] = await this.db.query<{ seq: string | null }>('SELECT min(seq)::text AS seq FROM audit_seals');
    return row.seq === null ? undefined : Number(row.seq);
  }

  /**
   * One snapshot of what only the sealer may write: the first seal with a seq
   * beyond the head (none can exist unless inserted by hand), and whether the
   * head's seal carries the head's hash.
   */
  async headCheck(): Promise<{ headSeq: number; beyondHead?: number; headRowMatches: boolean }> {
    const [row] = await this.db.query<{ head: string; beyond: string | null; matches: boolean | null }>(
      `SELECT h.seq::text AS head,
              (SELECT min(s.seq)::text FROM audit_seals s WHERE s.seq > h.seq) AS beyond,
              (SELECT s.hash = h.hash FROM audit_seals s WHERE s.seq = h.seq) AS matches
       FROM audit_chain_head h`,
    );
    return {
      headSeq: Number(row.head),
      beyondHead: row.beyond === null ? undefined : Number(row.beyond),
      headRowMatches: row.matches !== false,
    };
  }

  async checkpointsBetween(from: number, to: number): Promise<Checkpoint[]> {
    const rows = await this.db.query<RawCheckpoint>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints
       WHERE seq >= $1 AND seq <= $2 ORDER BY audit_checkpoints.seq`,
      [from, to],
    );
    return rows.map(toCheckpoint);
  }

  /** The newest checkpoint at or below `seq` (any when undefined). */
  async newestCheckpoint(atOrBelow?: number, q: Queryable = this.db): Promise<Checkpoint | undefined> {
    const rows = await q.query<RawCheckpoint>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints
       WHERE ($1::bigint IS NULL OR seq <= $1) ORDER BY audit_checkpoints.seq DESC LIMIT 1`,
      [atOrBelow ?? null],
    );
    return rows[0] && toCheckpoint(rows[0]);
  }

  async insertCheckpoint(tx: Queryable, c: Checkpoint): Promise<void> {
    await tx.query('INSERT INTO audit_checkpoints (seq, hash, signed_at, signature, kid) VALUES ($1, $2, $3, $4, $5)', [
      c.seq,
      c.hash,
      c.signed_at,
      c.signature,
      c.kid,
    ]);
  }

  /** The database clock, in the form checkpoints sign (millisecond RFC 3339, UTC). */
  async now(tx: Queryable): Promise<string> {
    const [row] = await tx.query<{ now: string }>(
      `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`,
    );
    return row.now;
  }
}
