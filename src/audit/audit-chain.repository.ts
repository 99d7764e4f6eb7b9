import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { AUDIT_ROW_COLUMNS, RawAuditRow, toAuditEvent } from './audit-row';
import { Checkpoint } from './checkpoint-signer';
import { AuditEventDto } from './dto/audit-event.dto';

export interface ChainHead {
  seq: number;
  hash: string;
}

const CHECKPOINT_COLUMNS = `seq::text AS seq, hash, signature, kid,
  to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at`;

type RawCheckpoint = Omit<Checkpoint, 'seq'> & { seq: string };

const toCheckpoint = (raw: RawCheckpoint): Checkpoint => ({ ...raw, seq: Number(raw.seq) });

/** SQL of the hash chain: the sealer's queue, sealed rows by seq, the head, checkpoints, retention. */
@Injectable()
export class AuditChainRepository {
  constructor(private readonly db: Database) {}

  /** Locks the head row: a second line of defence behind the sealer's advisory lock. */
  async lockHead(tx: Queryable): Promise<ChainHead> {
    const [row] = await tx.query<{ seq: string; hash: string }>(
      'SELECT seq::text AS seq, hash FROM audit_chain_head FOR UPDATE',
    );
    return { seq: Number(row.seq), hash: row.hash };
  }

  async head(q: Queryable = this.db): Promise<ChainHead> {
    const [row] = await q.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head');
    return { seq: Number(row.seq), hash: row.hash };
  }

  /**
   * The start of a sealing batch, in one statement: the fleet-wide advisory
   * lock, and planner settings for this transaction only, so that a batch
   * costs the same on a table of any size, with or without fresh statistics.
   * The queue is read by a plain index scan (a bitmap scan would revisit
   * every row sealed since the last VACUUM: it never marks dead index
   * entries; a sequential scan reads the whole table); the UPDATE is a
   * nested loop of primary-key lookups, never a hash join over the whole
   * table nor a join filter of every row against every row (both were seen
   * with stale statistics). `jit` off: the penalty cost of a disabled plan
   * node must not buy a JIT compilation.
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
   * Committed, unsealed rows with an id above `afterId`, by id: what a
   * sealing batch takes, in a deterministic order. The partial index keeps
   * the entries of sealed rows until VACUUM, so a scan from the start walks
   * every row sealed since the last one; `afterId` skips them.
   */
  async unsealed(tx: Queryable, limit: number, afterId = '0'): Promise<AuditEventDto[]> {
    const rows = await tx.query<RawAuditRow>(
      `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_events WHERE seq IS NULL AND audit_events.id > $2::bigint
       ORDER BY audit_events.id LIMIT $1`,
      [limit, afterId],
    );
    return rows.map(toAuditEvent);
  }

  /**
   * Gives rows `ids` (in this order) seqs from `firstSeq` and their hashes,
   * and moves the head to the last, in one statement; the number of rows
   * found. The rows were read in this transaction under the sealer's lock,
   * so only a row deleted by hand in between can be missing.
   */
  async seal(tx: Queryable, firstSeq: number, ids: string[], hashes: string[]): Promise<number> {
    const [head] = await tx.query<{ sealed: number }>(
      `WITH sealed AS (
         UPDATE audit_events a SET seq = $1::bigint + v.n - 1, hash = v.hash
         FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS v(id, hash, n)
         WHERE a.id = v.id
         RETURNING 1)
       UPDATE audit_chain_head SET seq = $1::bigint + $4::int - 1, hash = $5, sealed_at = now()
       RETURNING (SELECT count(*) FROM sealed)::int AS sealed`,
      [firstSeq, ids, hashes, ids.length, hashes[hashes.length - 1]],
    );
    return head.sealed;
  }

  /** Sealed rows with from <= seq <= to, by seq. */
  async sealedRange(from: number, to: number, limit: number): Promise<AuditEventDto[]> {
    const rows = await this.db.query<RawAuditRow>(
      `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_events WHERE seq >= $1 AND seq <= $2 ORDER BY audit_events.seq LIMIT $3`,
      [from, to, limit],
    );
    return rows.map(toAuditEvent);
  }

  async storedHash(seq: number): Promise<string | undefined> {
    return (await this.db.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [seq]))[0]?.hash;
  }

  async firstRetainedSeq(): Promise<number | undefined> {
    const [row] = await this.db.query<{ seq: string | null }>('SELECT min(seq)::text AS seq FROM audit_events');
    return row.seq === null ? undefined : Number(row.seq);
  }

  /**
   * One snapshot of what only the sealer may write: the first row with a seq
   * beyond the head (none can exist unless inserted by hand), and whether the
   * head's row carries the head's hash.
   */
  async headCheck(): Promise<{ headSeq: number; beyondHead?: number; headRowMatches: boolean }> {
    const [row] = await this.db.query<{ head: string; beyond: string | null; matches: boolean | null }>(
      `SELECT h.seq::text AS head,
              (SELECT min(e.seq)::text FROM audit_events e WHERE e.seq > h.seq) AS beyond,
              (SELECT e.hash = h.hash FROM audit_events e WHERE e.seq = h.seq) AS matches
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
