import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { RoleRow, RoleView } from './rbac.types';

/** An `all_permissions` role (admin) lists every permission, so custom ones appear as soon as they exist. */
const SELECT_ROLE = `
  SELECT r.name, r.description, r.built_in, r.all_permissions,
    CASE WHEN r.all_permissions
      THEN (SELECT COALESCE(array_agg(p.name ORDER BY p.name), '{}') FROM permissions p)
      ELSE (SELECT COALESCE(array_agg(rp.permission_name ORDER BY rp.permission_name), '{}')
            FROM role_permissions rp WHERE rp.role_name = r.name)
    END AS permissions
  FROM roles r`;

/** SQL of roles, their permission links, and the role assignments of principals. */
@Injectable()
export class RolesRepository {
  constructor(private readonly db: Database) {}

  /** Roles by name after `after`, `limit` rows (callers ask one more to detect a next page). */
  async list(after: string | undefined, limit: number): Promise<RoleView[]> {
    return this.db.query<RoleView>(`${SELECT_ROLE} WHERE ($1::text IS NULL OR r.name > $1) ORDER BY r.name LIMIT $2`, [
      after ?? null,
      limit,
    ]);
  }

  async find(name: string, q: Queryable = this.db): Promise<RoleView | undefined> {
    return (await q.query<RoleView>(`${SELECT_ROLE} WHERE r.name = $1`, [name]))[0];
  }

  /** Locks the role row for the rest of the transaction (serialises concurrent edits). */
  async lock(q: Queryable, name: string): Promise<RoleRow | undefined> {
    return (
      await q.query<RoleRow>(
        'SELECT name, description, built_in, all_permissions FROM roles WHERE name = $1 FOR UPDATE',
        [name],
      )
    )[0];
  }

  /** False when the name is taken. */
  async insert(q: Queryable, name: string, description: string): Promise<boolean> {
    const rows = await q.query(
      'INSERT INTO roles (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name',
      [name, description],
    );
    return rows.length === 1;
  }

  async update(q: Queryable, name: string, description: string | undefined): Promise<void> {
    await q.query('UPDATE roles SET description = COALESCE($2, description), updated_at = now() WHERE name = $1', [
      name,
      description ?? null,
    ]);
  }

  async permissionsOf(q: Queryable, name: string): Promise<string[]> {
    const rows = await q.query<{ permission_name: string }>(
      'SELECT permission_name FROM role_permissions WHERE role_name = $1',
      [name],
    );
    return rows.map((r) => r.permission_name);
  }

  async setPermissions(q: Queryable, name: string, permissions: string[]): Promise<void> {
    await q.query('DELETE FROM role_permissions WHERE role_name = $1', [name]);
    if (permissions.length > 0) {
      await q.query('INSERT INTO role_permissions (role_name, permission_name) SELECT $1, unnest($2::text[])', [
        name,
        permissions,
      ]);
    }
  }

  /** Deletes a custom role (assignments cascade); false when there is none of that name. */
  async delete(q: Queryable, name: string): Promise<boolean> {
    return (await q.query('DELETE FROM roles WHERE name = $1 AND NOT built_in RETURNING name', [name])).length === 1;
  }

  /** Which of `names` are roles. */
  async existing(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db.query<{ name: string }>('SELECT name FROM roles WHERE name = ANY($1::text[])', [names]);
    return rows.map((r) => r.name);
  }

  /** Current roles of a live user, by id (a uuid: the caller checks). */
  async rolesOfUser(userId: string): Promise<string[]> {
    const rows = await this.db.query<{ role_name: string }>(
      `SELECT ur.role_name FROM user_roles ur JOIN users u ON u.id = ur.user_id
       WHERE u.id = $1 AND u.deleted_at IS NULL AND NOT u.disabled`,
      [userId],
    );
    return rows.map((r) => r.role_name);
  }

  /** Current roles of a live client, by its public client_id. */
  async rolesOfClient(clientId: string): Promise<string[]> {
    const rows = await this.db.query<{ role_name: string }>(
      `SELECT cr.role_name FROM client_roles cr JOIN clients c ON c.id = cr.client_id
       WHERE c.client_id = $1 AND c.deleted_at IS NULL`,
      [clientId],
    );
    return rows.map((r) => r.role_name);
  }
}
