import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';

/** A consumed token with its successor and the user facts the new access token needs. */
export interface RotatedRow extends RefreshRow {
  /** Its place in the rotated group's input. */
  index: number;
  successor_id: string;
  username: string | null;
  roles: string[];
}

/** One presented token of a group rotation, with its successor. */
export interface RotationInput {
  hash: Buffer;
  clientUuid: string;
  successorHash: Buffer;
  idleExpiresAt: Date;
}

export interface RefreshRow {
  id: string;
  family_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  amr: string[];
  consumed_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
  absolute_expires_at: Date;
  created_at: Date;
}

/** SQL of refresh tokens. Tokens are looked up by SHA-256 of the presented value only. */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly db: Database) {}

  async insert(
    q: Queryable,
    t: {
      hash: Buffer;
      familyId: string;
      parentId: string | null;
      userId: string;
      clientUuid: string;
      scope: string;
      amr: string[];
      expiresAt: Date;
      absoluteExpiresAt: Date;
    },
  ): Promise<string> {
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO refresh_tokens (token_hash, family_id, parent_id, user_id, client_id, scope, amr, expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [t.hash, t.familyId, t.parentId, t.userId, t.clientUuid, t.scope, t.amr, t.expiresAt, t.absoluteExpiresAt],
    );
    return row.id;
  }

  /**
   * Rotation of a group in one statement: consumes each presented token that
   * is live, of the client it names and of an active user, and inserts its
   * successor (same family, scope and absolute expiry). Returns, for each
   * token consumed, its place in `input` (0-based), the consumed row, its
   * successor's id and what the new access token needs about the user. Of
   * concurrent callers presenting one token exactly one gets a row (DESIGN.md
   * decision 6).
   */
  async rotate(q: Queryable, input: readonly RotationInput[]): Promise<RotatedRow[]> {
    const rows = await q.query<RotatedRow & { n: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::bytea[], $2::uuid[], $3::bytea[], $4::timestamptz[])
           WITH ORDINALITY AS i(hash, client_id, successor_hash, idle_expires_at, n)),
       consumed AS (
         UPDATE refresh_tokens r SET consumed_at = clock_timestamp()
         FROM input i, users u
         WHERE r.token_hash = i.hash AND r.client_id = i.client_id AND r.consumed_at IS NULL AND r.revoked_at IS NULL
           AND r.expires_at > now() AND r.absolute_expires_at > now()
           AND u.id = r.user_id AND NOT u.disabled AND u.deleted_at IS NULL
         RETURNING r.*, i.n, i.successor_hash, i.idle_expires_at, u.username),
       successor AS (
         INSERT INTO refresh_tokens (token_hash, family_id, parent_id, user_id, client_id, scope, amr, expires_at, absolute_expires_at)
         SELECT successor_hash, family_id, id, user_id, client_id, scope, amr, LEAST(idle_expires_at, absolute_expires_at), absolute_expires_at
         FROM consumed
         RETURNING id, parent_id)
       SELECT c.n, c.id, c.family_id, c.user_id, c.client_id, c.scope, c.amr, c.consumed_at, c.revoked_at,
              c.expires_at, c.absolute_expires_at, c.created_at, c.username, s.id AS successor_id,
              COALESCE((SELECT array_agg(ur.role_name ORDER BY ur.role_name) FROM user_roles ur WHERE ur.user_id = c.user_id), '{}') AS roles
       FROM consumed c JOIN successor s ON s.parent_id = c.id`,
      [
        input.map((i) => i.hash),
        input.map((i) => i.clientUuid),
        input.map((i) => i.successorHash),
        input.map((i) => i.idleExpiresAt),
      ],
    );
    return rows.map(({ n, ...row }) => ({ ...row, index: Number(n) - 1 }));
  }

  /** Takes rotations back inside their transaction: the consumed tokens are live again, their successors gone. */
  async undoRotations(q: Queryable, rows: readonly RotatedRow[]): Promise<void> {
    await q.query('DELETE FROM refresh_tokens WHERE id = ANY($1::uuid[])', [rows.map((r) => r.successor_id)]);
    await q.query('UPDATE refresh_tokens SET consumed_at = NULL WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
  }

  /** A token with whether its user may still use it (active, not deleted). */
  async findByHashWithUser(hash: Buffer): Promise<(RefreshRow & { user_active: boolean }) | undefined> {
    return this.db.one<RefreshRow & { user_active: boolean }>(
      `SELECT r.*, (NOT u.disabled AND u.deleted_at IS NULL) AS user_active
       FROM refresh_tokens r JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1`,
      [hash],
    );
  }

  async findByHash(hash: Buffer, q: Queryable = this.db): Promise<RefreshRow | undefined> {
    return (await q.query<RefreshRow>('SELECT * FROM refresh_tokens WHERE token_hash = $1', [hash]))[0];
  }

  /** A live token with its client's public id, only while client and user are active. */
  async findActive(hash: Buffer): Promise<(RefreshRow & { public_client_id: string }) | undefined> {
    const rows = await this.db.query<RefreshRow & { public_client_id: string }>(
      `SELECT r.*, c.client_id AS public_client_id
       FROM refresh_tokens r
       JOIN clients c ON c.id = r.client_id AND c.deleted_at IS NULL
       JOIN users u ON u.id = r.user_id AND NOT u.disabled AND u.deleted_at IS NULL
       WHERE r.token_hash = $1 AND r.consumed_at IS NULL AND r.revoked_at IS NULL
         AND r.expires_at > now() AND r.absolute_expires_at > now()`,
      [hash],
    );
    return rows[0];
  }

  /** Revokes every live token of a family; returns how many. */
  async revokeFamily(q: Queryable, familyId: string): Promise<number> {
    const rows = await q.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL RETURNING id',
      [familyId],
    );
    return rows.length;
  }

  /** Live families of a user (optionally all but one), for user-wide revocation. */
  async liveFamiliesOfUser(q: Queryable, userId: string, except?: string): Promise<string[]> {
    const rows = await q.query<{ family_id: string }>(
      `SELECT DISTINCT family_id FROM refresh_tokens
       WHERE user_id = $1 AND revoked_at IS NULL AND absolute_expires_at > now() AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
      [userId, except ?? null],
    );
    return rows.map((r) => r.family_id);
  }
}
