import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { ClientRecord, GrantType } from './client.types';

interface ClientDbRow {
  id: string;
  client_id: string;
  name: string;
  confidential: boolean;
  grant_types: GrantType[];
  roles: string[];
  token_exchange_audiences: string[];
  secret_hash: Buffer | null;
  previous_secret_hash: Buffer | null;
  previous_secret_expires_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type ClientRow = ClientDbRow;

const SELECT_CLIENT = `
  SELECT c.*, COALESCE(array_agg(cr.role_name ORDER BY cr.role_name) FILTER (WHERE cr.role_name IS NOT NULL), '{}') AS roles
  FROM clients c LEFT JOIN client_roles cr ON cr.client_id = c.id`;

export function toRecord(row: ClientDbRow): ClientRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    confidential: row.confidential,
    grantTypes: row.grant_types,
    roles: row.roles,
    tokenExchangeAudiences: row.token_exchange_audiences ?? [],
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    deleted: row.deleted_at !== null,
  };
}

@Injectable()
export class ClientsRepository {
  constructor(private readonly db: Database) {}

  async findByClientId(clientId: string, q: Queryable = this.db): Promise<ClientRow | undefined> {
    return (await q.query<ClientDbRow>(`${SELECT_CLIENT} WHERE c.client_id = $1 GROUP BY c.id`, [clientId]))[0];
  }

  async insert(
    q: Queryable,
    client: {
      clientId: string;
      name: string;
      confidential: boolean;
      grantTypes: GrantType[];
      secretHash: Buffer | null;
      roles: string[];
      tokenExchangeAudiences?: string[];
    },
  ): Promise<ClientRow> {
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO clients (client_id, name, confidential, grant_types, secret_hash, token_exchange_audiences)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        client.clientId,
        client.name,
        client.confidential,
        client.grantTypes,
        client.secretHash,
        client.tokenExchangeAudiences ?? [],
      ],
    );
    if (client.roles.length > 0) {
      await q.query('INSERT INTO client_roles (client_id, role_name) SELECT $1, unnest($2::text[])', [row.id, client.roles]);
    }
    return (await this.findByClientId(client.clientId, q))!;
  }
}
