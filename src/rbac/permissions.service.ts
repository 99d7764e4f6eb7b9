import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { Database } from '../database/database.service';
import { CreatePermissionDto } from './dto/create-permission.dto';
import { PermissionDto } from './dto/permission.dto';
import { PermissionCache } from './permission-cache.service';
import { PermissionsRepository } from './permissions.repository';
import { PermissionRow } from './rbac.types';

const toDto = (p: PermissionRow): PermissionDto => ({ name: p.name, description: p.description, built_in: p.built_in });

/**
 * The permission catalogue. Custom permissions exist for downstream
 * services (`kafka:create`); `admin` holds them at once. Creating one grants
 * it to nobody else, so no escalation check applies.
 */
@Injectable()
export class PermissionsService {
  constructor(
    private readonly db: Database,
    private readonly permissions: PermissionsRepository,
    private readonly cache: PermissionCache,
    private readonly audit: AuditService,
  ) {}

  async list(query: PageQueryDto): Promise<Page<PermissionDto>> {
    const limit = pageLimit(query);
    const after = decodeCursor<{ n: string }>(query.cursor, ['n'])?.n;
    return toPage(await this.permissions.list(after, limit + 1), limit, toDto, (p) => ({ n: p.name }));
  }

  async create(principal: Principal, dto: CreatePermissionDto): Promise<PermissionDto> {
    return this.db.transaction(async (tx) => {
      const row = await this.permissions.insert(tx, dto.name, dto.description ?? '');
      if (!row) throw ProblemError.conflict(`A permission named ${dto.name} already exists.`);
      await this.cache.changed(tx);
      await this.audit.record(tx, {
        eventType: 'permission.created',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'permission', id: row.name },
        details: {},
      });
      return toDto(row);
    });
  }
}
