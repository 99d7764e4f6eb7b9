import { Injectable } from '@nestjs/common';
import { AUDIT_COLUMNS } from '../audit/audit-row';
import { AUDIT_SELECT, auditColumnArrays, auditUnnest } from '../audit/audit.service';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';

/** A token that may rotate, with the user facts the new access token needs. */
export interface RotatableRow {
  /** Its place in the group's input. */
  index: number;
  id: string;
  family_id: string;
  user_id: string;
  scope: string;
  amr: string[];
  username: string | null;
  roles: string[];
}

/** A presented token: the SHA-256 of its value and the client presenting it. */
export interface RotationLookup {
  hash: Buffer;
  clientUuid: string;
}

/** A rotation to commit: the token, its successor, and the audit row (`auditValues`) that commits with it. */
export interface Rotation {
  id: string;
  successorHash: Buffer;
  idleExpiresAt: Date;
  audit: unknown[];
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
      `INSERT INTO refresh_tokens (token_hash, family_id, parent_id, user_id, client_id, scope, amr, expires_at,
                                   absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [t.hash, t.familyId, t.parentId, t.userId, t.clientUuid, t.scope, t.amr, t.expiresAt, t.absoluteExpiresAt],
    );
    return row.id;
  }

  /**
   * The presented tokens of a group that may rotate now: live, of the client
   * that presents them, of an active user; with what the new access token
   * needs. `index` is the place in `input`. Reads only: `rotate` decides.
   */
  async findRotatable(input: readonly RotationLookup[]): Promise<RotatableRow[]> {
    const rows = await this.db.query<RotatableRow & { n: string }>(
      `SELECT i.n, r.id, r.family_id, r.user_id, r.scope, r.amr, u.username,
              COALESCE((SELECT array_agg(ur.role_name ORDER BY ur.role_name)
                        FROM user_roles ur WHERE ur.user_id = r.user_id), '{}') AS roles
       FROM unnest($1::bytea[], $2::uuid[]) WITH ORDINALITY AS i(hash, client_id, n)
       JOIN refresh_tokens r ON r.token_hash = i.hash AND r.client_id = i.client_id
       JOIN users u ON u.id = r.user_id
       WHERE r.consumed_at IS NULL AND r.revoked_at IS NULL AND r.expires_at > now() AND r.absolute_expires_at > now()
         AND NOT u.disabled AND u.deleted_at IS NULL`,
      [input.map((i) => i.hash), input.map((i) => i.clientUuid)],
    );
    return rows.map(({ n, ...row }) => ({ ...row, index: Number(n) - 1 }));
  }

  /**
   * Rotation in one statement: consumes each token that is still live (of
   * an active user), inserts its successor (same family, scope and absolute
   * expiry) and its audit row; a token another request consumed meanwhile
   * gets neither. Returns the places in `rotations` that rotated. Of
   * concurrent callers presenting one token exactly one rotates it (DESIGN.md
   * decision 16).
   */
  async rotate(rotations: readonly Rotation[]): Promise<Set<number>> {
    const rows = await this.db.query<{ n: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[])
           WITH ORDINALITY AS i(id, successor_hash, idle_expires_at, n)),
       consumed AS (
         UPDATE refresh_tokens r SET consumed_at = clock_timestamp()
         FROM input i, users u
         WHERE r.id = i.id AND r.consumed_at IS NULL AND r.revoked_at IS NULL
           AND r.expires_at > now() AND r.absolute_expires_at > now()
           AND u.id = r.user_id AND NOT u.disabled AND u.deleted_at IS NULL
         RETURNING r.id, r.family_id, r.user_id, r.client_id, r.scope, r.amr, r.absolute_expires_at,
                   i.successor_hash, i.idle_expires_at, i.n),
       successor AS (
         INSERT INTO refresh_tokens (token_hash, family_id, parent_id, user_id, client_id, scope, amr, expires_at,
                                     absolute_expires_at)
         SELECT successor_hash, family_id, id, user_id, client_id, scope, amr,
                LEAST(idle_expires_at, absolute_expires_at), absolute_expires_at
         FROM consumed),
       audit AS (
         INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
         SELECT ${AUDIT_SELECT} FROM ${auditUnnest(4)} JOIN consumed c ON c.n = a.n)
       SELECT n FROM consumed`,
      [
        rotations.map((r) => r.id),
        rotations.map((r) => r.successorHash),
        rotations.map((r) => r.idleExpiresAt),
        ...auditColumnArrays(rotations.map((r) => r.audit)),
      ],
    );
    return new Set(rows.map((r) => Number(r.n) - 1));
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

  /**
   * Deletes up to `limit` tokens of families past their absolute expiry: they
   * can no longer rotate, and a replay of one is refused as unknown. The
   * number deleted.
   */
  async deleteExpired(limit: number, q: Queryable = this.db): Promise<number> {
    const gone = await q.query(
      `DELETE FROM refresh_tokens
       WHERE id IN (SELECT id FROM refresh_tokens WHERE absolute_expires_at < now() LIMIT $1) RETURNING 1`,
      [limit],
    );
    return gone.length;
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
       WHERE user_id = $1 AND revoked_at IS NULL AND absolute_expires_at > now()
         AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
      [userId, except ?? null],
    );
    return rows.map((r) => r.family_id);
  }
}
