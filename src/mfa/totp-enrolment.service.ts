import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { FailureAudit } from '../audit/failure-audit.service';
import { auditActor, Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { TotpEnrolmentDto } from './dto/totp-enrolment.dto';
import { MfaSecrets } from './mfa-secrets.service';
import { MfaRepository, MfaState } from './mfa.repository';
import { matchTotp, newTotpSecret, otpauthUri } from './totp';

/**
 * TOTP enrolment in two steps (start, confirm with a code) so MFA is only
 * switched on once the user's authenticator provably holds the secret.
 */
@Injectable()
export class TotpEnrolment {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly repo: MfaRepository,
    private readonly secrets: MfaSecrets,
    private readonly audit: AuditService,
    private readonly failures: FailureAudit,
  ) {}

  /**
   * A password-only token may start enrolment (that is how MFA gets turned
   * on), but not replace an active secret: that would let a password thief
   * take over the second factor. Disable first, which needs `otp`.
   */
  async start(principal: Principal): Promise<TotpEnrolmentDto> {
    const state = await this.state(principal);
    if (state.mfa_enabled) throw ProblemError.conflict('TOTP is already enabled; disable it first.');
    const secret = newTotpSecret();
    const stored = await this.db.transaction((tx) =>
      this.repo.setPending(tx, principal.id, this.secrets.seal(principal.id, secret)),
    );
    if (!stored) throw ProblemError.conflict('TOTP is already enabled; disable it first.');
    return { secret, otpauth_uri: otpauthUri(secret, state.username ?? principal.id, this.issuerLabel()) };
  }

  async confirm(principal: Principal, code: string): Promise<void> {
    const state = await this.state(principal);
    const pending = state.mfa_pending_secret_enc;
    if (!pending) return this.refuse(principal, state.mfa_enabled ? 'already_enabled' : 'no_pending_enrolment');
    const step = matchTotp(this.secrets.open(principal.id, pending), code);
    if (step === null) return this.refuse(principal, 'invalid_otp');
    const enabled = await this.db.transaction(async (tx) => {
      if (!(await this.repo.enable(tx, principal.id, pending, step))) return false;
      await this.audit.record(tx, {
        eventType: 'mfa.enrolled',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'user', id: principal.id },
        details: { method: 'totp' },
      });
      return true;
    });
    if (!enabled) return this.refuse(principal, 'enrolment_changed');
  }

  async disable(principal: Principal): Promise<void> {
    await this.state(principal);
    await this.db.transaction(async (tx) => {
      if (!(await this.repo.disable(tx, principal.id))) return;
      await this.audit.record(tx, {
        eventType: 'mfa.disabled',
        outcome: 'success',
        actor: auditActor(principal),
        subject: { type: 'user', id: principal.id },
        details: { method: 'totp' },
      });
    });
  }

  /** The failure gets its own row (nothing else changes); the caller learns only that the code was refused. */
  private async refuse(principal: Principal, reason: string): Promise<never> {
    // Damped (one row per user and reason per minute, with a count): confirmation guesses are not a write flood.
    await this.failures.record(
      {
        eventType: 'mfa.failed',
        outcome: 'failure',
        actor: auditActor(principal),
        subject: { type: 'user', id: principal.id },
        details: { reason, method: 'totp' },
      },
      `${principal.id}|${reason}`,
    );
    const message =
      reason === 'invalid_otp' || reason === 'enrolment_changed'
        ? 'is invalid or expired'
        : 'no TOTP enrolment is pending';
    throw ProblemError.validation([{ field: 'code', message }]);
  }

  private async state(principal: Principal): Promise<MfaState> {
    const state = await this.repo.state(principal.id);
    if (!state || state.disabled) throw ProblemError.unauthorized('The access token is invalid, expired or revoked.');
    return state;
  }

  /** The issuer shown in authenticator apps: the host of ISSUER (a ':' would break the otpauth label). */
  private issuerLabel(): string {
    return new URL(this.config.issuer).hostname;
  }
}
