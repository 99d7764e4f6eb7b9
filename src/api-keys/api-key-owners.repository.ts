import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { ApiKeyOwner } from './api-key.types';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-only SQL about the users and clients that own keys. */
@Injectable()
export class ApiKeyOwnersRepository {
  constructor(private readonly db: Database) {}

  /** A user that is not erased, with its disabled flag. */
  async findUser(id: string): Promise<{ id: string; disabled: boolean } | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.db.one(`SELECT id, disabled FROM users WHERE id = $1 AND deleted_at IS NULL`, [id]);
  }

  /** A client (not deleted, unless `includeDeleted`), by row id (uuid) or by public client_id. */
  async findClient(
    idOrClientId: string,
    includeDeleted = false,
  ): Promise<{ id: string; client_id: string } | undefined> {
    // A public client_id may itself look like a uuid: match either column, the row id first.
    return this.db.one(
      `SELECT id, client_id FROM clients WHERE (client_id = $1 OR id = $2::uuid) AND ($3 OR deleted_at IS NULL)
       ORDER BY (id = $2::uuid) DESC NULLS LAST LIMIT 1`,
      [idOrClientId, UUID.test(idOrClientId) ? idOrClientId : null, includeDeleted],
    );
  }

  async rolesOf(owner: ApiKeyOwner): Promise<string[]> {
    const sql =
      owner.type === 'user'
        ? 'SELECT role_name FROM user_roles WHERE user_id = $1'
        : 'SELECT role_name FROM client_roles WHERE client_id = $1';
    const rows = await this.db.query<{ role_name: string }>(sql, [owner.id]);
    return rows.map((r) => r.role_name);
  }
}
