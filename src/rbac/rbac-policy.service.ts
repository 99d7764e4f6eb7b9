import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { isUuid } from '../common/http/validators';
import { PermissionCache } from './permission-cache.service';
import { missingPermissions } from './rbac-names';
import { RolesRepository } from './roles.repository';

/**
 * The no-escalation rule: nobody grants what they do not hold.
 *
 * What a caller "holds" is decided per credential kind:
 * - a user or client token: what its principal's roles give right now
 *   (a role taken away since login must not stay grantable), and, when
 *   the token was issued with a narrowing scope, no more than that scope:
 *   permissions are the OAuth scope (DESIGN.md decision 10), so a token
 *   deliberately narrowed to `users:write` must not hand out `admin`. A
 *   token issued without a narrowing scope (claim `scope_narrowed: false`)
 *   counts what its roles gained since as held: an admin can use a custom
 *   permission it has just created (API.md).
 * - an API key: its own scope (already capped by its owner's permissions).
 *
 * Every method reads the database outside any transaction: call it before
 * opening one (the embedded database has a single connection).
 */
@Injectable()
export class RbacPolicy {
  constructor(
    private readonly roles: RolesRepository,
    private readonly cache: PermissionCache,
  ) {}

  async held(principal: Principal): Promise<ReadonlySet<string>> {
    if (principal.kind === 'api_key') return principal.permissions;
    const roles =
      principal.kind === 'user'
        ? isUuid(principal.id)
          ? await this.roles.rolesOfUser(principal.id)
          : []
        : await this.roles.rolesOfClient(principal.clientId ?? principal.id);
    const current = await this.cache.permissionsOf(roles);
    if (principal.scopeNarrowed === false) return current;
    return new Set([...principal.permissions].filter((p) => current.has(p)));
  }

  /** 403 unless the caller holds every permission in `wanted`. */
  async assertCanGrant(principal: Principal, wanted: Iterable<string>): Promise<void> {
    const list = [...wanted];
    if (list.length > 0) this.assertWithin(await this.held(principal), list);
  }

  /** 403 unless `held` (from `held()`, read before a transaction) covers `wanted`; no I/O, so safe inside one. */
  assertWithin(held: ReadonlySet<string>, wanted: Iterable<string>): void {
    const missing = missingPermissions(held, wanted);
    if (missing.length > 0) {
      throw ProblemError.forbidden(`You cannot grant permissions you do not hold: ${missing.join(', ')}.`);
    }
  }

  /**
   * Nobody acts on a principal who holds more than they do (DESIGN.md
   * decision 10): 403 unless `target` (the effective permissions of the
   * user or client acted on) is within `held` (the caller's, from `held()`).
   * No I/O, so safe inside a transaction.
   */
  assertNotOutranked(held: ReadonlySet<string>, target: Iterable<string>): void {
    const missing = missingPermissions(held, target);
    if (missing.length > 0) {
      const list = missing.join(', ');
      throw ProblemError.forbidden(`You cannot act on a principal who holds permissions you do not: ${list}.`);
    }
  }

  /** 403 unless the caller holds every permission the listed (existing) roles give. */
  async assertCanAssignRoles(principal: Principal, roles: Iterable<string>): Promise<void> {
    await this.assertCanGrant(principal, await this.cache.permissionsOf(roles));
  }
}
