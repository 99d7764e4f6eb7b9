import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { CreateRoleDto } from './dto/create-role.dto';
import { RoleDto } from './dto/role.dto';
import { UpdateRoleDto } from './dto/update-role.dto';
import { PermissionCache } from './permission-cache.service';
import { PermissionsRepository } from './permissions.repository';
import { isRoleName } from './rbac-names';
import { RbacPolicy } from './rbac-policy.service';
import { RoleView } from './rbac.types';
import { RolesRepository } from './roles.repository';

const toDto = (r: RoleView): RoleDto => ({
  name: r.name,
  description: r.description,
  permissions: r.permissions,
  built_in: r.built_in,
});
const notFound = (): ProblemError => ProblemError.notFound('No such role.');

/**
 * Roles. Built-in roles (admin, user, reader) are read-only: the contract
 * defines what they hold, and `admin` must keep every permission. Every
 * change announces itself (PermissionCache.changed) and is audited in its
 * own transaction.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly db: Database,
    private readonly roles: RolesRepository,
    private readonly permissions: PermissionsRepository,
    private readonly cache: PermissionCache,
    private readonly policy: RbacPolicy,
    private readonly audit: AuditService,
  ) {}

  async list(query: PageQueryDto): Promise<Page<RoleDto>> {
    const limit = pageLimit(query);
    const after = decodeCursor<{ n: string }>(query.cursor, ['n'])?.n;
    return toPage(await this.roles.list(after, limit + 1), limit, toDto, (r) => ({ n: r.name }));
  }

  async get(name: string): Promise<RoleDto> {
    const role = isRoleName(name) ? await this.roles.find(name) : undefined;
    if (!role) throw notFound();
    return toDto(role);
  }

  async create(principal: Principal, dto: CreateRoleDto): Promise<RoleDto> {
    const permissions = [...new Set(dto.permissions)].sort();
    await this.checkKnown(permissions);
    await this.policy.assertCanGrant(principal, permissions);
    return this.db.transaction(async (tx) => {
      if (!(await this.roles.insert(tx, dto.name, dto.description ?? '')))
        throw ProblemError.conflict(`A role named ${dto.name} already exists.`);
      await this.roles.setPermissions(tx, dto.name, permissions);
      await this.changed(tx, principal, 'role.created', dto.name, { permissions });
      return toDto((await this.roles.find(dto.name, tx))!);
    });
  }

  async update(principal: Principal, name: string, dto: UpdateRoleDto): Promise<RoleDto> {
    const existing = isRoleName(name) ? await this.roles.find(name) : undefined;
    if (!existing) throw notFound();
    if (existing.built_in) throw ProblemError.conflict('Built-in roles cannot be changed.');
    const wanted = dto.permissions === undefined ? undefined : [...new Set(dto.permissions)].sort();
    if (wanted) await this.checkKnown(wanted);
    const held = wanted ? await this.policy.held(principal) : new Set<string>();
    return this.db.transaction(async (tx) => {
      if (!(await this.roles.lock(tx, name))) throw notFound();
      const before = await this.roles.permissionsOf(tx, name);
      const added = wanted?.filter((p) => !before.includes(p)) ?? [];
      const removed = wanted ? before.filter((p) => !wanted.includes(p)).sort() : [];
      // Only what the change adds is a grant: keeping or removing a permission grants nothing.
      this.policy.assertWithin(held, added);
      await this.roles.update(tx, name, dto.description);
      if (wanted) await this.roles.setPermissions(tx, name, wanted);
      await this.changed(tx, principal, 'role.updated', name, {
        added,
        removed,
        description_changed: dto.description !== undefined,
      });
      return toDto((await this.roles.find(name, tx))!);
    });
  }

  async delete(principal: Principal, name: string): Promise<void> {
    const existing = isRoleName(name) ? await this.roles.find(name) : undefined;
    if (!existing) throw notFound();
    if (existing.built_in) throw ProblemError.conflict('Built-in roles cannot be deleted.');
    await this.db.transaction(async (tx) => {
      if (!(await this.roles.delete(tx, name))) throw notFound();
      await this.changed(tx, principal, 'role.deleted', name, { permissions: existing.permissions });
    });
  }

  /** Unknown permissions are a 400, checked before the escalation rule (403): nobody holds them either. */
  private async checkKnown(permissions: string[]): Promise<void> {
    const known = new Set(await this.permissions.existing(permissions));
    const unknown = permissions.filter((p) => !known.has(p));
    if (unknown.length > 0) {
      throw ProblemError.validation(unknown.map((p) => ({ field: 'permissions', message: `unknown permission ${p}` })));
    }
  }

  private async changed(
    tx: Tx,
    principal: Principal,
    eventType: string,
    name: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.cache.changed(tx);
    await this.audit.record(tx, {
      eventType,
      outcome: 'success',
      actor: auditActor(principal),
      subject: { type: 'role', id: name },
      details,
    });
  }
}
