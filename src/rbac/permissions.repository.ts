import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { PermissionRow } from './rbac.types';

/** SQL of the permissions catalogue. Permissions are never deleted: tokens and API keys name them. */
@Injectable()
export class PermissionsRepository {
  constructor(private readonly db: Database) {}

  async list(after: string | undefined, limit: number): Promise<PermissionRow[]> {
    return this.db.query<PermissionRow>(
      `SELECT name, description, built_in FROM permissions
       WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2`,
      [after ?? null, limit],
    );
  }

  /** Undefined when the name is taken. */
  async insert(q: Queryable, name: string, description: string): Promise<PermissionRow | undefined> {
    const rows = await q.query<PermissionRow>(
      `INSERT INTO permissions (name, description) VALUES ($1, $2)
       ON CONFLICT (name) DO NOTHING RETURNING name, description, built_in`,
      [name, description],
    );
    return rows[0];
  }

  /** Which of `names` exist. */
  async existing(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db.query<{ name: string }>('SELECT name FROM permissions WHERE name = ANY($1::text[])', [
      names,
    ]);
    return rows.map((r) => r.name);
  }
}
