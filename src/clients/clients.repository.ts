import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import type { JsonWebKey } from 'node:crypto';
import type { CertificateAuthMethod, CertificateBinding } from './certificate-binding';
import { ClientRecord, GrantType, TokenEndpointAuthMethod } from './client.types';

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
  token_endpoint_auth_method: TokenEndpointAuthMethod | null;
  tls_client_auth_subject_dn: string | null;
  tls_client_auth_san_dns: string | null;
  jwks: { keys: JsonWebKey[] } | null;
}

export type ClientRow = ClientDbRow;

export interface NewClient {
  clientId: string;
  name: string;
  confidential: boolean;
  grantTypes: GrantType[];
  secretHash: Buffer | null;
  roles: string[];
  /** Omitted: the default of the client's kind (a secret, or none when public). */
  authMethod?: TokenEndpointAuthMethod;
  certificate?: CertificateBinding | null;
  /** RFC 8693: the client_ids this client may exchange tokens for. */
  tokenExchangeAudiences?: string[];
}

const SELECT_CLIENT = `
  SELECT c.*,
    COALESCE(array_agg(cr.role_name ORDER BY cr.role_name) FILTER (WHERE cr.role_name IS NOT NULL), '{}') AS roles
  FROM clients c LEFT JOIN client_roles cr ON cr.client_id = c.id`;

/** What the admin API shows of a client: no secret hash ever leaves this query. */
export interface ClientAdminRow {
  id: string;
  client_id: string;
  name: string;
  confidential: boolean;
  grant_types: GrantType[];
  roles: string[];
  token_exchange_audiences: string[];
  created_at: Date;
  token_endpoint_auth_method: TokenEndpointAuthMethod | null;
  tls_client_auth_subject_dn: string | null;
  tls_client_auth_san_dns: string | null;
  jwks: { keys: JsonWebKey[] } | null;
}

/** What a client's certificate must show, or null for the secret and public methods. */
function bindingOf(row: ClientDbRow): CertificateBinding | null {
  const method = row.token_endpoint_auth_method;
  if (method !== 'tls_client_auth' && method !== 'self_signed_tls_client_auth') return null;
  return {
    method: method satisfies CertificateAuthMethod,
    subjectDn: row.tls_client_auth_subject_dn,
    sanDns: row.tls_client_auth_san_dns,
    jwks: row.jwks?.keys ?? null,
  };
}

const SELECT_LIVE = `
  SELECT c.id, c.client_id, c.name, c.confidential, c.grant_types, c.token_exchange_audiences, c.created_at,
    c.token_endpoint_auth_method, c.tls_client_auth_subject_dn, c.tls_client_auth_san_dns, c.jwks,
    COALESCE(array_agg(cr.role_name ORDER BY cr.role_name) FILTER (WHERE cr.role_name IS NOT NULL), '{}') AS roles
  FROM clients c LEFT JOIN client_roles cr ON cr.client_id = c.id
  WHERE c.deleted_at IS NULL`;

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
    certificate: bindingOf(row),
  };
}

/**
 * The one repository of the `clients` table (and its `client_roles`): the
 * credential lookups of client authentication and the admin API's SQL.
 * Deleted clients are invisible to the admin queries.
 */
@Injectable()
export class ClientsRepository {
  constructor(private readonly db: Database) {}

  async findByClientId(clientId: string, q: Queryable = this.db): Promise<ClientRow | undefined> {
    return (await q.query<ClientDbRow>(`${SELECT_CLIENT} WHERE c.client_id = $1 GROUP BY c.id`, [clientId]))[0];
  }

  async insert(q: Queryable, client: NewClient): Promise<ClientRow> {
    const [row] = await q.query<{ id: string }>(
      `INSERT INTO clients (client_id, name, confidential, grant_types, secret_hash, token_endpoint_auth_method,
         tls_client_auth_subject_dn, tls_client_auth_san_dns, jwks, token_exchange_audiences)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        client.clientId,
        client.name,
        client.confidential,
        client.grantTypes,
        client.secretHash,
        client.authMethod ?? null,
        client.certificate?.subjectDn ?? null,
        client.certificate?.sanDns ?? null,
        client.certificate?.jwks ? JSON.stringify({ keys: client.certificate.jwks }) : null,
        client.tokenExchangeAudiences ?? [],
      ],
    );
    if (client.roles.length > 0) {
      await q.query('INSERT INTO client_roles (client_id, role_name) SELECT $1, unnest($2::text[])', [
        row.id,
        client.roles,
      ]);
    }
    return (await this.findByClientId(client.clientId, q))!;
  }

  async list(after: string | undefined, limit: number): Promise<ClientAdminRow[]> {
    return this.db.query<ClientAdminRow>(
      `${SELECT_LIVE} AND ($1::text IS NULL OR c.client_id > $1) GROUP BY c.id ORDER BY c.client_id LIMIT $2`,
      [after ?? null, limit],
    );
  }

  async find(clientId: string, q: Queryable = this.db): Promise<ClientAdminRow | undefined> {
    return (await q.query<ClientAdminRow>(`${SELECT_LIVE} AND c.client_id = $1 GROUP BY c.id`, [clientId]))[0];
  }

  /**
   * New secret hash; the old one stays valid for `graceSeconds` (DB clock),
   * or is dropped at once when the grace is 0. Undefined when the client
   * is gone or public.
   */
  async rotateSecret(
    q: Queryable,
    clientId: string,
    secretHash: Buffer,
    graceSeconds: number,
  ): Promise<{ previous_expires_at: Date } | undefined> {
    const rows = await q.query<{ previous_expires_at: Date }>(
      `UPDATE clients SET
         previous_secret_hash = CASE WHEN $3::int > 0 THEN secret_hash END,
         previous_secret_expires_at = CASE WHEN $3::int > 0 THEN now() + make_interval(secs => $3::int) END,
         secret_hash = $2,
         updated_at = now()
       WHERE client_id = $1 AND deleted_at IS NULL AND confidential
         AND COALESCE(token_endpoint_auth_method, '') NOT IN ('tls_client_auth', 'self_signed_tls_client_auth')
       RETURNING COALESCE(previous_secret_expires_at, now()) AS previous_expires_at`,
      [clientId, secretHash, graceSeconds],
    );
    return rows[0];
  }

  /** Soft delete; secret hashes are wiped as they can never be used again. Returns the row id. */
  async softDelete(q: Queryable, clientId: string): Promise<string | undefined> {
    const rows = await q.query<{ id: string }>(
      `UPDATE clients SET deleted_at = now(), secret_hash = NULL, previous_secret_hash = NULL,
         previous_secret_expires_at = NULL, updated_at = now()
       WHERE client_id = $1 AND deleted_at IS NULL RETURNING id`,
      [clientId],
    );
    return rows[0]?.id;
  }

  // The two cascades of a client's deletion, kept here so they run in its transaction. They write
  // other tables; api-keys/ imports clients/, so the api_keys one cannot live in its repository.

  /** Every live refresh token issued through the client (user logins included); returns their families. */
  async revokeRefreshTokens(q: Queryable, id: string): Promise<string[]> {
    const rows = await q.query<{ family_id: string }>(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL RETURNING family_id',
      [id],
    );
    return [...new Set(rows.map((r) => r.family_id))];
  }

  async revokeApiKeys(q: Queryable, id: string): Promise<void> {
    await q.query(
      `UPDATE api_keys SET revoked_at = now() WHERE owner_type = 'client' AND owner_id = $1 AND revoked_at IS NULL`,
      [id],
    );
  }
}
