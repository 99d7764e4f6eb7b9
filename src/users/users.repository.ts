import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';

export interface UserRow {
  id: string;
  username: string | null;
  email: string | null;
  password_hash: string | null;
  disabled: boolean;
  deleted_at: Date | null;
  failed_attempts: number;
  locked_until: Date | null;
  mfa_enabled: boolean;
  mfa_secret_enc: Buffer | null;
  mfa_pending_secret_enc: Buffer | null;
  mfa_last_step: string | null;
  created_at: Date;
  updated_at: Date;
  roles: string[];
}

const SELECT_USER = `
  SELECT u.*,
    COALESCE(array_agg(ur.role_name ORDER BY ur.role_name) FILTER (WHERE ur.role_name IS NOT NULL), '{}') AS roles
  FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id`;

/** SQL for users; lockout counters are changed by single atomic statements. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  async findByKey(key: string, q: Queryable = this.db): Promise<UserRow | undefined> {
    return (
      await q.query<UserRow>(`${SELECT_USER} WHERE u.username_key = $1 AND u.deleted_at IS NULL GROUP BY u.id`, [key])
    )[0];
  }

  async findById(id: string, q: Queryable = this.db): Promise<UserRow | undefined> {
    return (await q.query<UserRow>(`${SELECT_USER} WHERE u.id = $1 AND u.deleted_at IS NULL GROUP BY u.id`, [id]))[0];
  }

  async count(q: Queryable = this.db): Promise<number> {
    const [row] = await q.query<{ n: string }>('SELECT count(*) AS n FROM users');
    return Number(row.n);
  }

  async insert(
    q: Queryable,
    user: {
      username: string;
      key: string;
      skeleton: string;
      email: string | null;
      passwordHash: string;
      roles: string[];
    },
  ): Promise<UserRow> {
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO users (username, username_key, username_skeleton, email, password_hash)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [user.username, user.key, user.skeleton, user.email, user.passwordHash],
    );
    await this.setRoles(q, row.id, user.roles);
    return (await this.findById(row.id, q))!;
  }

  async setRoles(q: Queryable, userId: string, roles: string[]): Promise<void> {
    await q.query('DELETE FROM user_roles WHERE user_id = $1', [userId]);
    if (roles.length > 0) {
      await q.query('INSERT INTO user_roles (user_id, role_name) SELECT $1, unnest($2::text[])', [userId, roles]);
    }
  }

  /**
   * Counts one failed attempt unless the account is locked right now, and
   * locks it when the count reaches the limit. One statement: the row lock
   * serialises parallel failures, so none slips past the limit.
   */
  async registerFailure(
    id: string,
    maxAttempts: number,
    lockSeconds: number,
    q: Queryable = this.db,
  ): Promise<{ attempts: number; justLocked: boolean } | undefined> {
    const [row] = await q.query<{ failed_attempts: number; locked_until: Date | null }>(
      `WITH next AS (
         SELECT id,
           CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1 ELSE failed_attempts + 1 END AS attempts
         FROM users WHERE id = $1 FOR UPDATE)
       UPDATE users u SET
         failed_attempts = next.attempts,
         locked_until = CASE WHEN next.attempts >= $2 THEN now() + make_interval(secs => $3) ELSE NULL END
       FROM next
       WHERE u.id = next.id AND (u.locked_until IS NULL OR u.locked_until <= now())
       RETURNING u.failed_attempts, u.locked_until`,
      [id, maxAttempts, lockSeconds],
    );
    if (!row) return undefined;
    return { attempts: row.failed_attempts, justLocked: row.locked_until !== null };
  }

  /** Resets the counter; false (and no change) when the account is locked. */
  async registerSuccess(id: string, q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query(
      `UPDATE users SET failed_attempts = 0, locked_until = NULL
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now()) RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }
}
