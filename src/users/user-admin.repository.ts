import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { Tx } from '../database/tx';
import { UserRow } from './users.repository';

/** Where a page of users ends: created_at at microsecond precision (UTC text) and id. */
export interface UserPosition {
  ts: string;
  id: string;
}

/** Advisory lock key of the set of admins (any constant distinct from the others in use). */
const ADMIN_SET_LOCK = 727_274_010;

export type ListedUser = UserRow & { position_ts: string };

const WITH_ROLES = `
  SELECT u.*, to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_ts,
         COALESCE(array_agg(ur.role_name ORDER BY ur.role_name) FILTER (WHERE ur.role_name IS NOT NULL), '{}') AS roles
  FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id`;

/** SQL of the admin and self-service writes on users. Erased users (deleted_at set) are invisible. */
@Injectable()
export class UserAdminRepository {
  constructor(private readonly db: Database) {}

  /** `limit + 1` rows after `after`, oldest first; the position is compared at full precision. */
  async list(limit: number, after: UserPosition | undefined, q: Queryable = this.db): Promise<ListedUser[]> {
    return q.query<ListedUser>(
      `${WITH_ROLES}
       WHERE u.deleted_at IS NULL
         AND ($2::timestamptz IS NULL OR (u.created_at, u.id) > ($2::timestamptz, $3::uuid))
       GROUP BY u.id ORDER BY u.created_at, u.id LIMIT $1`,
      [limit + 1, after?.ts ?? null, after?.id ?? null],
    );
  }

  /** Row-locks a live user for the rest of the transaction: concurrent admin changes serialise. */
  async lock(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx.query('SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [id]);
    return rows.length === 1;
  }

  /** The early, cheap duplicate check (the unique columns are the real one). */
  async nameTaken(key: string, skeleton: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM users WHERE username_key = $1 OR username_skeleton = $2 LIMIT 1', [
      key,
      skeleton,
    ]);
    return rows.length > 0;
  }

  /**
   * Inserts unless the username key or its confusable skeleton is taken
   * (also by a concurrent insert: both columns are unique): undefined means conflict.
   */
  async insertIfFree(
    tx: Tx,
    user: { username: string; key: string; skeleton: string; email: string | null; passwordHash: string },
  ): Promise<string | undefined> {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO users (username, username_key, username_skeleton, email, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING id`,
      [user.username, user.key, user.skeleton, user.email, user.passwordHash],
    );
    return row?.id;
  }

  /**
   * The roles among `names` that exist, share-locked so a concurrent role
   * deletion cannot slip in before the assignment commits.
   */
  async existingRoles(tx: Tx, names: string[]): Promise<string[]> {
    const rows = await tx.query<{ name: string }>('SELECT name FROM roles WHERE name = ANY($1::text[]) FOR KEY SHARE', [
      names,
    ]);
    return rows.map((r) => r.name);
  }

  /** The effective permissions of a user (erased: none), read in the caller's transaction. */
  async effectivePermissions(tx: Tx, userId: string): Promise<string[]> {
    const rows = await tx.query<{ name: string }>(
      `SELECT DISTINCT p.name FROM user_roles ur
         JOIN roles r ON r.name = ur.role_name
         JOIN permissions p ON r.all_permissions
           OR EXISTS (SELECT 1 FROM role_permissions rp WHERE rp.role_name = r.name AND rp.permission_name = p.name)
       WHERE ur.user_id = $1`,
      [userId],
    );
    return rows.map((r) => r.name);
  }

  /** Serialises every change that can remove an admin, until the transaction ends. */
  async lockAdminSet(tx: Tx): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_SET_LOCK]);
  }

  async countOtherEnabledHolders(tx: Tx, role: string, exceptUserId: string): Promise<number> {
    const [row] = await tx.query<{ n: string }>(
      `SELECT count(*) AS n FROM users u JOIN user_roles ur ON ur.user_id = u.id
       WHERE ur.role_name = $1 AND u.id <> $2 AND NOT u.disabled AND u.deleted_at IS NULL`,
      [role, exceptUserId],
    );
    return Number(row.n);
  }

  async update(tx: Tx, id: string, changes: { email?: string | null; disabled?: boolean }): Promise<void> {
    await tx.query(
      `UPDATE users SET
         email = CASE WHEN $2 THEN $3 ELSE email END,
         disabled = COALESCE($4, disabled),
         updated_at = now()
       WHERE id = $1`,
      [id, changes.email !== undefined, changes.email ?? null, changes.disabled ?? null],
    );
  }

  async setPassword(tx: Tx, id: string, passwordHash: string): Promise<void> {
    await tx.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
  }

  async touch(tx: Tx, id: string): Promise<void> {
    await tx.query('UPDATE users SET updated_at = now() WHERE id = $1', [id]);
  }

  /** Clears a lockout; undefined for an unknown or erased user, else whether a lockout was in force. */
  async unlock(tx: Tx, id: string): Promise<{ wasLocked: boolean } | undefined> {
    const [row] = await tx.query<{ was_locked: boolean }>(
      `UPDATE users u SET failed_attempts = 0, locked_until = NULL, updated_at = now()
       FROM (SELECT id, locked_until IS NOT NULL AND locked_until > now() AS was_locked
             FROM users WHERE id = $1 FOR UPDATE) old
       WHERE u.id = old.id AND u.deleted_at IS NULL
       RETURNING old.was_locked`,
      [id],
    );
    return row ? { wasLocked: row.was_locked } : undefined;
  }

  /**
   * Erasure: every personal or secret column is cleared and the row stays
   * as a tombstone (audit rows and token rows still point at its id).
   * Clearing username_key and username_skeleton frees the name for a new account.
   */
  async erase(tx: Tx, id: string): Promise<void> {
    await tx.query(
      `UPDATE users SET username = NULL, username_key = NULL, username_skeleton = NULL,
         email = NULL, password_hash = NULL,
         mfa_enabled = false, mfa_secret_enc = NULL, mfa_pending_secret_enc = NULL, mfa_last_step = NULL,
         failed_attempts = 0, locked_until = NULL, disabled = true, deleted_at = now(), updated_at = now()
       WHERE id = $1`,
      [id],
    );
    await tx.query('DELETE FROM user_roles WHERE user_id = $1', [id]);
  }

  /** Marks the user's API keys revoked (the `user_off` entry already makes them inactive everywhere). */
  async revokeApiKeysOf(tx: Tx, userId: string): Promise<number> {
    const rows = await tx.query(
      `UPDATE api_keys SET revoked_at = now()
       WHERE owner_type = 'user' AND owner_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId],
    );
    return rows.length;
  }
}
