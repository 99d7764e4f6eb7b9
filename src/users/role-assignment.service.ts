import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { Tx } from '../database/tx';
import { RbacPolicy } from '../rbac/rbac-policy.service';
import { UserAdminRepository } from './user-admin.repository';

/**
 * The rules for giving a user roles. Split in two because of the single
 * embedded connection: `authorize` reads (policy, permission cache) before
 * the transaction opens, `assertExist` runs inside it.
 */
@Injectable()
export class RoleAssignment {
  constructor(
    private readonly policy: RbacPolicy,
    private readonly repo: UserAdminRepository,
  ) {}

  /**
   * Nobody can grant what they do not hold (API.md): the union of the
   * roles' permissions must be within what the caller holds, else 403.
   * Without it a `users:write` holder could make anyone, itself included
   * via a second account, an admin. "Holds" is the service-wide rule of
   * RbacPolicy (the same one roles and API keys use). Returns the
   * de-duplicated, sorted role names.
   */
  async authorize(principal: Principal, roles: string[]): Promise<string[]> {
    const names = [...new Set(roles)].sort();
    await this.policy.assertCanAssignRoles(principal, names);
    return names;
  }

  /** 400 naming the unknown roles; the found ones stay share-locked until commit. */
  async assertExist(tx: Tx, names: string[]): Promise<void> {
    if (names.length === 0) return;
    const found = new Set(await this.repo.existingRoles(tx, names));
    const unknown = names.filter((n) => !found.has(n));
    if (unknown.length > 0) {
      throw ProblemError.validation(unknown.map((name) => ({ field: 'roles', message: `unknown role: ${name}` })));
    }
  }
}
