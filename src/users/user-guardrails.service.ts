import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { Tx } from '../database/tx';
import { RbacPolicy } from '../rbac/rbac-policy.service';
import { UserAdminRepository } from './user-admin.repository';
import { UserRow } from './users.repository';

const ADMIN_ROLE = 'admin';

/** What a change does to the target's standing as an admin. */
export interface AdminLoss {
  disabled?: boolean;
  erased?: boolean;
  roles?: readonly string[];
}

/**
 * The two rules for acting on an existing user (API.md, DESIGN.md decision 10):
 * - nobody acts on a user who holds more than they do: disabling, erasing,
 *   unlocking, editing or changing the roles of a user whose effective
 *   permissions are not within the caller's is 403 (else a helpdesk user
 *   with users:write could disable every admin, or reset an admin's email);
 * - the last enabled holder of `admin` cannot be disabled, erased or
 *   demoted (409). Race-safe: every change that can remove an admin takes
 *   one transaction-scoped advisory lock before counting, so two admins
 *   demoting each other at once are serialised and the second sees the
 *   first's commit. The user row is already locked by then, and only this
 *   lock is waited on after it, so no deadlock is possible.
 *
 * `held` is read before the transaction (RbacPolicy reads outside any);
 * the target's permissions are read inside it, under the row lock.
 */
@Injectable()
export class UserGuardrails {
  constructor(
    private readonly policy: RbacPolicy,
    private readonly repo: UserAdminRepository,
  ) {}

  held(principal: Principal): Promise<ReadonlySet<string>> {
    return this.policy.held(principal);
  }

  async assertMayActOn(tx: Tx, held: ReadonlySet<string>, userId: string): Promise<void> {
    this.policy.assertNotOutranked(held, await this.repo.effectivePermissions(tx, userId));
  }

  async assertKeepsAnAdmin(tx: Tx, before: UserRow, change: AdminLoss): Promise<void> {
    const wasAdmin = before.roles.includes(ADMIN_ROLE) && !before.disabled;
    const staysAdmin = !change.erased && change.disabled !== true && (change.roles?.includes(ADMIN_ROLE) ?? true);
    if (!wasAdmin || staysAdmin) return;
    await this.repo.lockAdminSet(tx);
    if ((await this.repo.countOtherEnabledHolders(tx, ADMIN_ROLE, before.id)) === 0) {
      throw ProblemError.conflict('This is the last enabled admin: it cannot be disabled, deleted or demoted.');
    }
  }
}
