import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuditEntry } from '../audit/audit.types';
import type { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { PermissionCache } from '../rbac/permission-cache.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { MeDto } from './dto/me.dto';
import { Lockout } from './lockout.service';
import { PasswordHasher } from './password-hasher.service';
import { passwordPolicyErrors } from './password';
import { UserAccess } from './user-access.service';
import { userEvent } from './user-audit';
import { UserAdminRepository } from './user-admin.repository';
import { UserRow, UsersRepository } from './users.repository';

const REFUSALS: Record<string, string> = {
  invalid_current_password: 'is incorrect',
  locked: 'cannot be checked while the account is locked; retry later',
};

/** Self-service on the caller's own account (`/v1/me`). */
@Injectable()
export class MeService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly repo: UserAdminRepository,
    private readonly hasher: PasswordHasher,
    private readonly permissions: PermissionCache,
    private readonly access: UserAccess,
    private readonly audit: AuditService,
    private readonly lockout: Lockout,
  ) {}

  async profile(principal: Principal): Promise<MeDto> {
    const user = await this.current(principal);
    const permissions = [...(await this.permissions.permissionsOf(user.roles))].sort();
    return {
      id: user.id,
      username: user.username ?? '',
      email: user.email,
      roles: user.roles,
      permissions,
      mfa_enabled: user.mfa_enabled,
    };
  }

  /**
   * A stolen access token must not turn into the account for good: the
   * current password is required, wrong guesses count towards the login
   * lockout (and are refused outright while it lasts), and every other
   * session of the user ends with the change.
   */
  async changePassword(principal: Principal, dto: ChangePasswordDto): Promise<void> {
    const user = await this.current(principal);
    const ok = await this.hasher.verify(dto.current_password, user.password_hash);
    const locked = user.locked_until !== null && user.locked_until.getTime() > Date.now();
    if (locked || !ok) return this.refuse(principal, user, locked ? 'locked' : 'invalid_current_password');
    const policy = passwordPolicyErrors(
      dto.new_password,
      this.config.passwordMinLength,
      this.config.passwordMaxLength,
      'new_password',
    );
    if (policy.length > 0) throw ProblemError.validation(policy);
    const passwordHash = await this.hasher.hash(dto.new_password);
    await this.db.transaction(async (tx) => {
      await this.repo.setPassword(tx, user.id, passwordHash);
      const ended = await this.access.endOtherSessions(tx, user.id, principal.sid);
      await this.audit.record(tx, userEvent(principal, 'user.password_changed', user.id, { revoked_sessions: ended }));
    });
  }

  private async refuse(principal: Principal, user: UserRow, reason: string): Promise<never> {
    const row = (why: string): AuditEntry => ({
      ...userEvent(principal, 'user.password_changed', user.id, { reason: why }),
      outcome: 'failure',
    });
    let final = reason;
    if (reason === 'invalid_current_password') {
      // The counter and the failure row commit together; an account locked meanwhile is refused as locked.
      const outcome = await this.lockout.countFailure(user.id, (counted) => [
        row(counted === 'locked' ? 'locked' : reason),
      ]);
      if (outcome === 'locked') final = 'locked';
    } else {
      await this.audit.recordAlone(row(reason));
    }
    throw ProblemError.validation([{ field: 'current_password', message: REFUSALS[final] }]);
  }

  /** The caller's live row; a token outliving its user (erased in the meantime) is no credential. */
  private async current(principal: Principal): Promise<UserRow> {
    const user = await this.users.findById(principal.id);
    if (!user || user.disabled) throw ProblemError.unauthorized('The access token is invalid, expired or revoked.');
    return user;
  }
}
