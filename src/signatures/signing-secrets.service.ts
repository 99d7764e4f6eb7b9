import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ClientStore } from '../clients/client-store.service';
import { ClientRecord } from '../clients/client.types';
import { auditActor, Principal } from '../common/auth/principal';
import { encryptAesGcm, generateIdentifier, generateSecret } from '../common/crypto/secrets';
import { ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { Database } from '../database/database.service';
import { RbacPolicy } from '../rbac/rbac-policy.service';
import { Runtime } from '../config/runtime';
import { CreatedSigningSecretDto } from './dto/created-signing-secret.dto';
import { SigningSecretDto } from './dto/signing-secret.dto';
import { secretAad, SigningSecretKeys } from './signing-secret-keys.service';
import { SigningSecretRow, SigningSecretsRepository } from './signing-secrets.repository';

const CLIENT_ID = /^[\x21-\x7E]{1,128}$/;
const toDto = (row: SigningSecretRow): SigningSecretDto => ({
  keyid: row.keyid,
  created_at: row.created_at.toISOString(),
});

/**
 * Signing secrets of clients (API.md "Signed requests"). A secret is shown
 * once and stored AES-256-GCM encrypted under KEY_ENCRYPTION_KEY, bound to
 * its keyid. Several may be live at once, for rotation. Minting one lets
 * the caller sign as the client, so it follows the rule for API keys:
 * nobody acts for a client that holds more than they do.
 */
@Injectable()
export class SigningSecretsService {
  constructor(
    private readonly db: Database,
    private readonly repo: SigningSecretsRepository,
    private readonly keys: SigningSecretKeys,
    private readonly clients: ClientStore,
    private readonly policy: RbacPolicy,
    private readonly runtime: Runtime,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, clientId: string): Promise<CreatedSigningSecretDto> {
    const client = await this.findLive(clientId);
    await this.policy.assertCanAssignRoles(principal, client.roles);
    const keyid = generateIdentifier(16);
    const secret = generateSecret('ss_');
    const sealed = encryptAesGcm(this.runtime.keyEncryptionKey, Buffer.from(secret, 'utf8'), secretAad(keyid));
    const row = await this.db.transaction(async (tx) => {
      const inserted = await this.repo.insert(tx, keyid, client.id, sealed);
      await this.keys.changed(tx, keyid);
      await this.audit.record(tx, {
        eventType: 'signing_secret.created',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'client', id: clientId },
        details: { keyid },
      });
      return inserted;
    });
    return { ...toDto(row), secret };
  }

  async list(clientId: string, query: PageQueryDto): Promise<Page<SigningSecretDto>> {
    const client = await this.findLive(clientId);
    const limit = pageLimit(query);
    const after = decodeCursor<{ t: string; k: string }>(query.cursor, ['t', 'k']);
    const rows = await this.repo.list(client.id, after, limit + 1);
    return toPage(rows, limit, toDto, (r) => ({ t: r.created_at.toISOString(), k: r.keyid }));
  }

  async delete(principal: Principal, clientId: string, keyid: string): Promise<void> {
    const client = await this.findLive(clientId);
    await this.db.transaction(async (tx) => {
      if (!(await this.repo.softDelete(tx, client.id, keyid))) throw ProblemError.notFound('No such signing secret.');
      await this.keys.changed(tx, keyid);
      await this.audit.record(tx, {
        eventType: 'signing_secret.deleted',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'client', id: clientId },
        details: { keyid },
      });
    });
  }

  private async findLive(clientId: string): Promise<ClientRecord> {
    const client = CLIENT_ID.test(clientId) ? await this.clients.get(clientId) : null;
    if (!client || client.deleted) throw ProblemError.notFound('No such client.');
    return client;
  }
}
