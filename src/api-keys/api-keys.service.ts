import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, pageLimit, toPage } from '../common/http/pagination';
import { Database } from '../database/database.service';
import { ApiKeyOwner, ApiKeyRow } from './api-key.types';
import { newApiKey } from './api-key-format';
import { ApiKeyOwners } from './api-key-owners.service';
import { UUID } from './api-key-owners.repository';
import { ApiKeysRepository } from './api-keys.repository';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyView } from './dto/api-key-view.dto';
import { CreatedApiKey } from './dto/created-api-key.dto';
import { ListApiKeysQuery } from './dto/list-api-keys.query';
import { notHeld, parseKeyScope } from './key-scope';
import { OwnerPermissions } from './owner-permissions.service';
import { RbacPolicy } from '../rbac/rbac-policy.service';

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** API key creation and metadata. Rotation and revocation: ApiKeyLifecycle. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly repo: ApiKeysRepository,
    private readonly owners: ApiKeyOwners,
    private readonly ownerPermissions: OwnerPermissions,
    private readonly policy: RbacPolicy,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    const expiresAt = dto.expires_at === undefined ? null : new Date(dto.expires_at);
    if (expiresAt && !(expiresAt.getTime() > Date.now())) {
      throw ProblemError.validation([{ field: 'expires_at', message: 'must be in the future' }]);
    }
    const requested = parseKeyScope(dto.scope);
    // Everything that reads outside the transaction happens first: the embedded database has one connection.
    // What the caller holds: the service-wide rule (RbacPolicy), so a permission its roles gained since
    // an unnarrowed login counts (API.md).
    const held = await this.policy.held(principal);
    const owner = await this.owners.forCreate(principal, dto.owner_type, dto.owner_id, held);
    const ownerHeld = await this.ownerPermissions.of(owner);
    // Default: what the owner holds and the caller may grant. Explicit: never beyond either (403).
    const scope = requested ?? [...ownerHeld].filter((p) => held.has(p)).sort();
    const beyondOwner = notHeld(scope, ownerHeld);
    if (beyondOwner.length > 0) throw ProblemError.forbidden(`The owner does not hold: ${beyondOwner.join(' ')}.`);
    this.policy.assertWithin(held, scope);

    const fresh = newApiKey();
    const row = await this.db.transaction(async (tx) => {
      const inserted = await this.repo.insert(tx, {
        lookupId: fresh.lookupId,
        secretHash: fresh.secretHash,
        prefix: fresh.prefix,
        name: dto.name,
        scope: scope.join(' '),
        owner,
        expiresAt,
      });
      await this.audit.record(tx, {
        eventType: 'api_key.created',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'api_key', id: inserted.id },
        details: {
          name: inserted.name,
          scope: inserted.scope,
          owner_type: owner.type,
          owner_id: owner.id,
          expires_at: expiresAt?.toISOString() ?? null,
        },
      });
      return inserted;
    });
    return CreatedApiKey.of(row, fresh.key);
  }

  async list(query: ListApiKeysQuery): Promise<Page<ApiKeyView>> {
    const limit = pageLimit(query);
    const after = decodeCursor<{ c: string; i: string }>(query.cursor, ['c', 'i']);
    if (after && (!CURSOR_TIME.test(after.c) || !UUID.test(after.i))) {
      throw ProblemError.validation([{ field: 'cursor', message: 'is not a valid cursor' }]);
    }
    if ((query.owner_type === undefined) !== (query.owner_id === undefined)) {
      throw ProblemError.validation([{ field: 'owner_id', message: 'owner_type and owner_id go together' }]);
    }
    let owner: ApiKeyOwner | undefined;
    if (query.owner_type !== undefined && query.owner_id !== undefined) {
      owner = await this.owners.find(query.owner_type, query.owner_id);
      if (!owner) return { items: [], next_cursor: null };
    }
    const rows = await this.repo.list(limit + 1, after, owner);
    return toPage(rows, limit, ApiKeyView.of, (r) => ({ c: r.created_cursor, i: r.id }));
  }

  async get(id: string): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.findOr404(id));
  }

  /** The key's metadata; a malformed id is simply not found. */
  async findOr404(id: string): Promise<ApiKeyRow> {
    const row = UUID.test(id) ? await this.repo.findById(id) : undefined;
    if (!row) throw ProblemError.notFound('No such API key.');
    return row;
  }
}
