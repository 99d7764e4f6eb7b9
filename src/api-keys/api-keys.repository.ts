import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { Tx } from '../database/tx';
import { ApiKeyOwner, ApiKeyRow } from './api-key.types';

const COLUMNS = `id, lookup_id, prefix, name, scope, owner_type, owner_id, expires_at, revoked_at, rotated_at,
  grace_expires_at, last_used_at, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_cursor`;

export interface NewApiKeyRow {
  lookupId: string;
  secretHash: Buffer;
  prefix: string;
  name: string;
  scope: string;
  owner: ApiKeyOwner;
  expiresAt: Date | null;
}

/** Verification view of a key: the hash, plus its owner's state and public client_id. */
export interface ApiKeyRecordRow {
  id: string;
  lookup_id: string;
  secret_hash: Buffer;
  scope: string;
  owner_type: 'user' | 'client';
  owner_id: string;
  owner_client_id: string | null;
  owner_active: boolean;
  expires_at: Date | null;
  revoked_at: Date | null;
  grace_expires_at: Date | null;
  last_used_at: Date | null;
}

/** SQL for `api_keys`. Metadata queries never select `secret_hash`. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Tx, key: NewApiKeyRow): Promise<ApiKeyRow> {
    const [row] = await tx.query<ApiKeyRow>(
      `INSERT INTO api_keys (lookup_id, secret_hash, prefix, name, scope, owner_type, owner_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [key.lookupId, key.secretHash, key.prefix, key.name, key.scope, key.owner.type, key.owner.id, key.expiresAt],
    );
    return row;
  }

  async findById(id: string, q: Queryable = this.db): Promise<ApiKeyRow | undefined> {
    return (await q.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]))[0];
  }

  /** Newest first; `after` is the (created_at, id) of the previous page's last row. */
  async list(
    limit: number,
    after: { c: string; i: string } | undefined,
    owner: ApiKeyOwner | undefined,
  ): Promise<ApiKeyRow[]> {
    const params: unknown[] = [limit];
    const where: string[] = [];
    if (after) {
      params.push(after.c, after.i);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    if (owner) {
      params.push(owner.type, owner.id);
      where.push(`owner_type = $${params.length - 1} AND owner_id = $${params.length}`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.db.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys ${clause} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
  }

  /** Marks an active key rotated; undefined when it was revoked, expired or rotated meanwhile. */
  async markRotated(tx: Tx, id: string, graceSeconds: number): Promise<ApiKeyRow | undefined> {
    return tx.one<ApiKeyRow>(
      `UPDATE api_keys SET rotated_at = now(), grace_expires_at = now() + make_interval(secs => $2)
       WHERE id = $1 AND revoked_at IS NULL AND rotated_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       RETURNING ${COLUMNS}`,
      [id, graceSeconds],
    );
  }

  /** Marks a key revoked; undefined when it already was. */
  async markRevoked(tx: Tx, id: string): Promise<ApiKeyRow | undefined> {
    return tx.one<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
  }

  async findRecord(lookupId: string): Promise<ApiKeyRecordRow | undefined> {
    return this.db.one<ApiKeyRecordRow>(
      `SELECT k.id, k.lookup_id, k.secret_hash, k.scope, k.owner_type, k.owner_id, k.expires_at, k.revoked_at,
              k.grace_expires_at, k.last_used_at, c.client_id AS owner_client_id,
              CASE k.owner_type
                WHEN 'user' THEN COALESCE(NOT u.disabled AND u.deleted_at IS NULL, false)
                ELSE COALESCE(c.deleted_at IS NULL, false) END AS owner_active
       FROM api_keys k
       LEFT JOIN users u ON k.owner_type = 'user' AND u.id = k.owner_id
       LEFT JOIN clients c ON k.owner_type = 'client' AND c.id = k.owner_id
       WHERE k.lookup_id = $1`,
      [lookupId],
    );
  }

  /** One statement for a whole batch of uses; never moves last_used_at backwards. */
  async writeLastUsed(ids: string[], times: Date[]): Promise<void> {
    await this.db.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, v.t)
       FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::timestamptz[]) AS t) v
       WHERE k.id = v.id`,
      [ids, times],
    );
  }
}
