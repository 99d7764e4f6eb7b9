import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { generateIdentifier, generateSecret, sha256 } from '../common/crypto/secrets';
import { ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { RbacPolicy } from '../rbac/rbac-policy.service';
import { RolesRepository } from '../rbac/roles.repository';
import { RevocationFeedWriter } from '../revocation/revocation-feed.writer';
import { RevocationService } from '../revocation/revocation.service';
import { clientAuthRegistration } from './client-auth-registration';
import { TOKEN_EXCHANGE } from './client.types';
import { ClientStore } from './client-store.service';
import { ClientAdminRow, ClientsRepository } from './clients.repository';
import { ClientDto } from './dto/client.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { CreatedClientDto } from './dto/created-client.dto';
import { RotatedClientSecretDto } from './dto/rotated-client-secret.dto';

/** The client ids the token endpoint accepts; anything else names no client (404, never SQL). */
const CLIENT_ID = /^[\x21-\x7E]{1,128}$/;

function toDto(c: ClientAdminRow): ClientDto {
  const dto: ClientDto = {
    client_id: c.client_id,
    name: c.name,
    confidential: c.confidential,
    grant_types: c.grant_types,
    roles: c.roles,
    token_exchange_audiences: c.token_exchange_audiences,
    created_at: c.created_at.toISOString(),
    token_endpoint_auth_method: c.token_endpoint_auth_method ?? (c.confidential ? 'client_secret_basic' : 'none'),
  };
  if (c.tls_client_auth_subject_dn !== null) dto.tls_client_auth_subject_dn = c.tls_client_auth_subject_dn;
  if (c.tls_client_auth_san_dns !== null) dto.tls_client_auth_san_dns = c.tls_client_auth_san_dns;
  if (c.jwks !== null) dto.jwks = c.jwks as unknown as { keys: Record<string, unknown>[] };
  return dto;
}
const notFound = (): ProblemError => ProblemError.notFound('No such client.');

/**
 * The clients admin API. Secrets are generated here, returned once and
 * stored only as SHA-256. Every change evicts the client from the
 * credential caches of every instance (ClientStore.changed) and is audited
 * in the same transaction.
 */
@Injectable()
export class ClientsAdminService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly clients: ClientsRepository,
    private readonly store: ClientStore,
    private readonly roles: RolesRepository,
    private readonly policy: RbacPolicy,
    private readonly revocations: RevocationService,
    private readonly feed: RevocationFeedWriter,
    private readonly audit: AuditService,
  ) {}

  async list(query: PageQueryDto): Promise<Page<ClientDto>> {
    const limit = pageLimit(query);
    const after = decodeCursor<{ c: string }>(query.cursor, ['c'])?.c;
    return toPage(await this.clients.list(after, limit + 1), limit, toDto, (c) => ({ c: c.client_id }));
  }

  async get(clientId: string): Promise<ClientDto> {
    return toDto(await this.findLive(clientId));
  }

  async create(principal: Principal, dto: CreateClientDto): Promise<CreatedClientDto> {
    const grantTypes = [...new Set(dto.grant_types)];
    if (!dto.confidential && grantTypes.includes('client_credentials')) {
      throw ProblemError.validation([
        { field: 'grant_types', message: 'client_credentials requires a confidential client' },
      ]);
    }
    const auth = clientAuthRegistration(dto);
    const roles = [...new Set(dto.roles ?? [])].sort();
    const known = new Set(await this.roles.existing(roles));
    const unknown = roles.filter((r) => !known.has(r));
    if (unknown.length > 0)
      throw ProblemError.validation(unknown.map((r) => ({ field: 'roles', message: `unknown role ${r}` })));
    await this.policy.assertCanAssignRoles(principal, roles);
    const audiences = await this.exchangeAudiences(dto, grantTypes);

    const clientId = generateIdentifier(16);
    const secret = auth.usesSecret ? generateSecret('cs_') : undefined;
    const row = await this.db.transaction(async (tx) => {
      const inserted = await this.clients.insert(tx, {
        clientId,
        name: dto.name,
        confidential: dto.confidential,
        grantTypes,
        secretHash: secret ? sha256(secret) : null,
        roles,
        tokenExchangeAudiences: audiences,
        authMethod: auth.method,
        certificate: auth.certificate,
      });
      // A lookup of this id may have been cached as unknown; drop it everywhere.
      await this.store.changed(tx, clientId);
      await this.audit.record(tx, {
        eventType: 'client.created',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'client', id: clientId },
        details: {
          confidential: dto.confidential,
          grant_types: grantTypes,
          roles,
          token_exchange_audiences: audiences,
          token_endpoint_auth_method: auth.method,
        },
      });
      return inserted;
    });
    const created: CreatedClientDto = toDto({ ...row, roles });
    if (secret) created.client_secret = secret;
    return created;
  }

  async rotateSecret(principal: Principal, clientId: string, graceSeconds: number): Promise<RotatedClientSecretDto> {
    const client = await this.findLive(clientId);
    if (!client.confidential) throw ProblemError.conflict('A public client has no secret to rotate.');
    const method = client.token_endpoint_auth_method;
    if (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') {
      throw ProblemError.conflict('A client that authenticates by certificate has no secret to rotate.');
    }
    const secret = generateSecret('cs_');
    const rotated = await this.db.transaction(async (tx) => {
      const result = await this.clients.rotateSecret(tx, clientId, sha256(secret), graceSeconds);
      if (!result) throw notFound();
      await this.store.changed(tx, clientId);
      await this.audit.record(tx, {
        eventType: 'client.secret_rotated',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'client', id: clientId },
        details: { grace_seconds: graceSeconds },
      });
      return result;
    });
    return {
      client_id: clientId,
      client_secret: secret,
      previous_secret_expires_at: rotated.previous_expires_at.toISOString(),
    };
  }

  /**
   * Soft delete: the row stays (audit rows and tokens name its client_id,
   * which is never reused). Its access tokens die everywhere through the
   * revocation set, its refresh tokens and API keys are revoked.
   */
  async delete(principal: Principal, clientId: string): Promise<void> {
    await this.findLive(clientId);
    // The bootstrap client carries every password login: deleting it would lock out every user, admins included.
    if (clientId === this.config.bootstrapClientId)
      throw ProblemError.conflict('The bootstrap client cannot be deleted.');
    await this.db.transaction(async (tx) => {
      const id = await this.clients.softDelete(tx, clientId);
      if (!id) throw notFound();
      await this.revocations.revoke(tx, { kind: 'client', subject: clientId, expiresAt: null });
      const families = await this.clients.revokeRefreshTokens(tx, id);
      // Resource services drop the user tokens issued through it too (the `sub` entry names only its own).
      const now = Math.floor(Date.now() / 1000);
      const until = now + this.config.accessTokenTtl;
      for (const sid of families) this.feed.append(tx, { kind: 'sid', value: sid, revoked_at: now, until });
      await this.clients.revokeApiKeys(tx, id);
      await this.store.changed(tx, clientId);
      await this.audit.record(tx, {
        eventType: 'client.deleted',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'client', id: clientId },
      });
    });
  }

  /** RFC 8693 audiences: only with the grant, only for a confidential client, only existing clients. */
  private async exchangeAudiences(dto: CreateClientDto, grantTypes: string[]): Promise<string[]> {
    const audiences = [...new Set(dto.token_exchange_audiences ?? [])].sort();
    const field = 'token_exchange_audiences';
    if (!grantTypes.includes(TOKEN_EXCHANGE)) {
      if (audiences.length > 0) {
        throw ProblemError.validation([{ field, message: `requires the ${TOKEN_EXCHANGE} grant` }]);
      }
      return audiences;
    }
    if (!dto.confidential) {
      const message = 'token exchange requires a confidential client';
      throw ProblemError.validation([{ field: 'grant_types', message }]);
    }
    const unknown: string[] = [];
    for (const audience of audiences) {
      const client = await this.store.get(audience);
      if (!client || client.deleted) unknown.push(audience);
    }
    if (unknown.length > 0) {
      throw ProblemError.validation(unknown.map((a) => ({ field, message: `unknown client ${a}` })));
    }
    return audiences;
  }

  private async findLive(clientId: string): Promise<ClientAdminRow> {
    const client = CLIENT_ID.test(clientId) ? await this.clients.find(clientId) : undefined;
    if (!client) throw notFound();
    return client;
  }
}
