import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ANONYMOUS_ACTOR } from '../audit/audit.types';
import { OAuthError } from '../common/errors/oauth-error';
import { TotpVerifier } from '../mfa/totp-verifier.service';
import { Lockout } from './lockout.service';
import { PasswordHasher } from './password-hasher.service';
import { isValidUsername, usernameKey } from './username';
import { UserRow, UsersRepository } from './users.repository';

export interface LoginResult {
  user: UserRow;
  amr: string[];
}

/**
 * Password-grant credential checks. Unknown, wrong, disabled and locked all
 * cost one bcrypt compare and end in the same invalid_grant; only the audit
 * row and the log know the reason.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly totp: TotpVerifier,
    private readonly audit: AuditService,
    private readonly lockout: Lockout,
  ) {}

  async authenticate(username: string, password: string, otp: string | undefined, clientId: string): Promise<LoginResult> {
    // An impossible username is an unknown user: same answer, same bcrypt cost, no query.
    const user = isValidUsername(username) ? await this.users.findByKey(usernameKey(username)) : undefined;
    const passwordOk = await this.hasher.verify(password, user?.password_hash);
    if (!user) return this.fail(undefined, 'unknown_user', clientId);
    if (user.disabled) return this.fail(user, 'user_disabled', clientId);
    if (user.locked_until && user.locked_until.getTime() > Date.now()) return this.fail(user, 'user_locked', clientId);
    if (!passwordOk) return this.failAndCount(user, 'invalid_password', clientId);

    const amr = ['pwd'];
    if (user.mfa_enabled) {
      // The password is checked first; a missing otp is not a failed attempt.
      if (otp === undefined || otp === '') throw new OAuthError('mfa_required', 'otp missing');
      const check = await this.totp.verifyAndConsume(user, otp);
      if (check !== 'ok') {
        await this.audit.recordAlone({
          eventType: 'mfa.failed',
          outcome: 'failure',
          actor: { type: 'user', id: user.id },
          subject: { type: 'user', id: user.id },
          details: { reason: check === 'replayed' ? 'otp_replayed' : 'invalid_otp', grant_type: 'password' },
        });
        return this.failAndCount(user, check === 'replayed' ? 'otp_replayed' : 'invalid_otp', clientId);
      }
      amr.push('otp');
    }
    if (!(await this.users.registerSuccess(user.id))) return this.fail(user, 'user_locked', clientId);
    await this.audit.recordAlone({
      eventType: 'user.login',
      outcome: 'success',
      actor: { type: 'user', id: user.id },
      subject: { type: 'user', id: user.id },
      details: { grant_type: 'password', client_id: clientId, amr },
    });
    return { user, amr };
  }

  private async failAndCount(user: UserRow, reason: string, clientId: string): Promise<never> {
    await this.lockout.countFailure(user.id);
    return this.fail(user, reason, clientId);
  }

  private async fail(user: UserRow | undefined, reason: string, clientId: string): Promise<never> {
    await this.audit.recordAlone({
      eventType: 'user.login',
      outcome: 'failure',
      actor: user ? { type: 'user', id: user.id } : ANONYMOUS_ACTOR,
      subject: user ? { type: 'user', id: user.id } : undefined,
      details: { reason, grant_type: 'password', client_id: clientId },
    });
    throw new OAuthError('invalid_grant', reason);
  }
}
