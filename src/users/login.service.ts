import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ANONYMOUS_ACTOR, AuditEntry } from '../audit/audit.types';
import { OAuthError } from '../common/errors/oauth-error';
import { Tx } from '../database/tx';
import { TotpVerifier } from '../mfa/totp-verifier.service';
import { Lockout } from './lockout.service';
import { PasswordHasher } from './password-hasher.service';
import { isValidUsername, usernameKey } from './username';
import { UserRow, UsersRepository } from './users.repository';

export interface LoginResult {
  user: UserRow;
  amr: string[];
}

/** Thrown inside the issuing transaction when a concurrent lockout won the race; rolls the issuance back. */
export class LockedDuringLogin extends Error {}

/**
 * Password-grant credential checks. Unknown, wrong, disabled and locked all
 * cost one bcrypt compare and end in the same invalid_grant; only the audit
 * row and the log know the reason.
 *
 * A success is not written here: `succeed` runs inside the transaction that
 * issues the tokens, so the `user.login` row, the counter reset and the
 * refresh-token family commit (or roll back) together.
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

  /** `ip` is the fair-share key of the hashing queue. */
  async authenticate(
    username: string,
    password: string,
    otp: string | undefined,
    clientId: string,
    ip: string,
  ): Promise<LoginResult> {
    // An impossible username is an unknown user: same answer, same bcrypt cost, no query.
    const user = isValidUsername(username) ? await this.users.findByKey(usernameKey(username)) : undefined;
    const passwordOk = await this.hasher.verify(password, user?.password_hash, ip);
    if (!user) return this.fail(undefined, 'unknown_user', clientId);
    if (user.disabled) return this.fail(user, 'user_disabled', clientId);
    if (user.locked_until && user.locked_until.getTime() > Date.now()) return this.fail(user, 'locked', clientId);
    if (!passwordOk) return this.failAndCount(user, 'invalid_password', clientId);

    const amr = ['pwd'];
    if (user.mfa_enabled) {
      // The password is checked first; a missing otp is not a failed attempt.
      if (otp === undefined || otp === '') throw new OAuthError('mfa_required', 'otp missing');
      const check = await this.totp.verifyAndConsume(user, otp);
      if (check !== 'ok') {
        const reason = check === 'replayed' ? 'otp_replayed' : 'invalid_otp';
        const mfaFailed: AuditEntry = {
          eventType: 'mfa.failed',
          outcome: 'failure',
          actor: { type: 'user', id: user.id },
          subject: { type: 'user', id: user.id },
          details: { reason, grant_type: 'password' },
        };
        return this.failAndCount(user, reason, clientId, [mfaFailed]);
      }
      amr.push('otp');
    }
    return { user, amr };
  }

  /** Inside the issuing transaction: resets the counter and writes the success row. */
  async succeed(tx: Tx, login: LoginResult, clientId: string): Promise<void> {
    if (!(await this.users.registerSuccess(login.user.id, tx))) throw new LockedDuringLogin();
    await this.audit.record(tx, {
      eventType: 'user.login',
      outcome: 'success',
      actor: { type: 'user', id: login.user.id },
      subject: { type: 'user', id: login.user.id },
      details: { grant_type: 'password', client_id: clientId, amr: login.amr },
    });
  }

  /** After the issuing transaction rolled back on LockedDuringLogin. */
  refuseLocked(user: UserRow, clientId: string): Promise<never> {
    return this.fail(user, 'locked', clientId);
  }

  /** Counts the failure; its rows commit with the counter, and say `locked` when the account already was. */
  private async failAndCount(
    user: UserRow,
    reason: string,
    clientId: string,
    extra: AuditEntry[] = [],
  ): Promise<never> {
    const outcome = await this.lockout.countFailure(user.id, (counted) => [
      ...extra,
      this.failureRow(user, counted === 'locked' ? 'locked' : reason, clientId),
    ]);
    throw new OAuthError('invalid_grant', outcome === 'locked' ? 'locked' : reason);
  }

  private async fail(user: UserRow | undefined, reason: string, clientId: string): Promise<never> {
    await this.audit.recordAlone(this.failureRow(user, reason, clientId));
    throw new OAuthError('invalid_grant', reason);
  }

  private failureRow(user: UserRow | undefined, reason: string, clientId: string): AuditEntry {
    return {
      eventType: 'user.login',
      outcome: 'failure',
      actor: user ? { type: 'user', id: user.id } : ANONYMOUS_ACTOR,
      subject: user ? { type: 'user', id: user.id } : undefined,
      details: { reason, grant_type: 'password', client_id: clientId },
    };
  }
}
