import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { UsersRepository } from './users.repository';

/**
 * The lockout rule, in one place for every way of proving a password (the
 * password grant, the TOTP step after it, password change): a failure is
 * counted atomically, and the one that reaches LOCKOUT_MAX_ATTEMPTS locks
 * the account for LOCKOUT_SECONDS and is audited as `user.locked`.
 */
@Injectable()
export class Lockout {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  async countFailure(userId: string): Promise<void> {
    const counted = await this.users.registerFailure(userId, this.config.lockoutMaxAttempts, this.config.lockoutSeconds);
    if (!counted?.justLocked) return;
    this.metrics.lockouts.inc();
    await this.audit.recordAlone({
      eventType: 'user.locked',
      outcome: 'success',
      actor: { type: 'system', id: null },
      subject: { type: 'user', id: userId },
      details: { reason: 'too_many_failed_attempts', attempts: counted.attempts, lock_seconds: this.config.lockoutSeconds },
    });
  }
}
