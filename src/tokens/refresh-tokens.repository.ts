import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';

/** A consumed token with the user facts its successor's access token needs. */
export interface RotatedRow extends RefreshRow {
  username: string | null;
  user_active: boolean;
  roles: string[];
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
   * Rotation in one statement: consumes a live token of this client and
   * inserts its successor (same family, scope and absolute expiry), and
   * returns the consumed row with what the new access token needs about its
   * user. Of concurrent callers exactly one gets a row (DESIGN.md decision 6).
   */
  async rotate(
    q: Queryable,
    hash: Buffer,
    clientUuid: string,
    successorHash: Buffer,
    idleExpiresAt: Date,
  ): Promise<RotatedRow | undefined> {
    const [row] = await q.query<RotatedRow>(
      `WITH consumed AS (
         UPDATE refresh_tokens SET consumed_at = clock_timestamp()
         WHERE token_hash = $1 AND client_id = $2 AND consumed_at IS NULL AND revoked_at IS NULL
           AND expires_at > now() AND absolute_expires_at > now()
         RETURNING *),
       successor AS (
         INSERT INTO refresh_tokens (token_hash, family_id, parent_id, user_id, client_id, scope, amr, expires_at, absolute_expires_at)
         SELECT $3, family_id, id, user_id, client_id, scope, amr, LEAST($4::timestamptz, absolute_expires_at), absolute_expires_at
         FROM consumed
         RETURNING id)
       SELECT c.*, u.username, (NOT u.disabled AND u.deleted_at IS NULL) AS user_active,
              COALESCE((SELECT array_agg(ur.role_name ORDER BY ur.role_name) FROM user_roles ur WHERE ur.user_id = c.user_id), '{}') AS roles
       FROM consumed c JOIN users u ON u.id = c.user_id`,
      [hash, clientUuid, successorHash, idleExpiresAt],
    );
    return row;
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
