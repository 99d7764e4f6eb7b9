import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { isUuid } from '../common/http/validators';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { PermissionCache } from '../rbac/permission-cache.service';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserDto } from './dto/user.dto';
import { RoleAssignment } from './role-assignment.service';
import { UserAccess } from './user-access.service';
import { UserGuardrails } from './user-guardrails.service';
import { userEvent } from './user-audit';
import { UserAdminRepository } from './user-admin.repository';
import { toUserView } from './user-view';
import { UserRow, UsersRepository } from './users.repository';

/**
 * Changes to an existing user: fields, roles, erasure. Each runs in one
 * transaction that first row-locks the user, so two admins acting on the
 * same user at once are serialised and each sees the other's result.
 */
@Injectable()
export class UserLifecycle {
  constructor(
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly repo: UserAdminRepository,
    private readonly access: UserAccess,
    private readonly roles: RoleAssignment,
    private readonly guardrails: UserGuardrails,
    private readonly permissions: PermissionCache,
    private readonly audit: AuditService,
  ) {}

  async update(principal: Principal, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const user = await this.inLockedUser(principal, id, async (tx, before) => {
      const changes: { email?: string | null; disabled?: boolean } = {};
      if (dto.email !== undefined && dto.email !== before.email) changes.email = dto.email;
      if (dto.disabled !== undefined && dto.disabled !== before.disabled) changes.disabled = dto.disabled;
      const changed = Object.keys(changes);
      if (changed.length === 0) return before;
      await this.guardrails.assertKeepsAnAdmin(tx, before, { disabled: changes.disabled });
      await this.repo.update(tx, id, changes);
      let revokedSessions = 0;
      if (changes.disabled === true) revokedSessions = await this.access.cutOff(tx, id);
      if (changes.disabled === false) await this.access.restore(tx, id);
      // Which fields changed, never the new email: it is personal data that must not outlive erasure.
      const details: Record<string, unknown> = { changed };
      if (changes.disabled !== undefined) details.disabled = changes.disabled;
      if (changes.disabled === true) details.revoked_sessions = revokedSessions;
      await this.audit.record(tx, userEvent(principal, 'user.updated', id, details));
      return (await this.users.findById(id, tx))!;
    });
    return toUserView(user);
  }

  /**
   * Replaces the role set. Access tokens keep the scope they were issued
   * with until they expire (by design: scope is in the JWT); API keys and
   * caches recompute on every instance through `PermissionCache.changed`.
   */
  async setRoles(principal: Principal, id: string, requested: string[]): Promise<UserDto> {
    if (!isUuid(id)) throw this.notFound();
    const roles = await this.roles.authorize(principal, requested);
    const user = await this.inLockedUser(principal, id, async (tx, before) => {
      await this.roles.assertExist(tx, roles);
      await this.guardrails.assertKeepsAnAdmin(tx, before, { roles });
      await this.users.setRoles(tx, id, roles);
      await this.repo.touch(tx, id);
      await this.permissions.changed(tx);
      await this.audit.record(
        tx,
        userEvent(principal, 'user.roles_changed', id, { old_roles: before.roles, new_roles: roles }),
      );
      return (await this.users.findById(id, tx))!;
    });
    return toUserView(user);
  }

  /**
   * Erasure (right to be forgotten): personal data and secrets are cleared,
   * every token and API key of the user stops working, and the audit row
   * carries only the id.
   */
  async erase(principal: Principal, id: string): Promise<void> {
    await this.inLockedUser(principal, id, async (tx, before) => {
      await this.guardrails.assertKeepsAnAdmin(tx, before, { erased: true });
      await this.repo.erase(tx, id);
      await this.access.cutOff(tx, id);
      await this.repo.revokeApiKeysOf(tx, id);
      await this.permissions.changed(tx);
      await this.audit.record(tx, userEvent(principal, 'user.deleted', id));
    });
  }

  /**
   * Runs `work` with the live user row-locked, once the caller is known to
   * hold everything the user holds (403 otherwise); 404 for a malformed,
   * unknown or erased id.
   */
  private async inLockedUser<T>(
    principal: Principal,
    id: string,
    work: (tx: Tx, before: UserRow) => Promise<T>,
  ): Promise<T> {
    if (!isUuid(id)) throw this.notFound();
    const held = await this.guardrails.held(principal);
    return this.db.transaction(async (tx) => {
      if (!(await this.repo.lock(tx, id))) throw this.notFound();
      await this.guardrails.assertMayActOn(tx, held, id);
      return work(tx, (await this.users.findById(id, tx))!);
    });
  }

  private notFound(): ProblemError {
    return ProblemError.notFound('No such user.');
  }
}
