import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuditEntry } from '../audit/audit.types';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { MetricsService } from '../health/metrics.service';
import { UsersRepository } from './users.repository';

/** What a failed attempt turned out to be once the counter was updated. */
export type CountedFailure = 'counted' | 'locked';

/**
 * The lockout rule, in one place for every way of proving a password (the
 * password grant, the TOTP step after it, password change): a failure is
 * counted atomically, and the one that reaches LOCKOUT_MAX_ATTEMPTS locks
 * the account for LOCKOUT_SECONDS and is audited as `user.locked`.
 *
 * The counter update, the caller's failure rows and the `user.locked` row
 * commit in ONE transaction (DESIGN.md decision 7): no lock without its
 * audit row, no audit row for a lock that rolled back. An attempt on an
 * account that is already locked is not counted, and the caller learns it
 * (`locked`) so its row says so instead of `invalid_password`.
 */
@Injectable()
export class Lockout {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  async countFailure(
    userId: string,
    rows: (outcome: CountedFailure) => AuditEntry[] = () => [],
  ): Promise<CountedFailure> {
    const { lockoutMaxAttempts: max, lockoutSeconds: seconds } = this.config;
    const result = await this.db.transaction(async (tx) => {
      const counted = await this.users.registerFailure(userId, max, seconds, tx);
      const outcome: CountedFailure = counted ? 'counted' : 'locked';
      for (const entry of rows(outcome)) await this.audit.record(tx, entry);
      if (counted?.justLocked) {
        await this.audit.record(tx, {
          eventType: 'user.locked',
          outcome: 'success',
          actor: { type: 'system', id: null },
          subject: { type: 'user', id: userId },
          details: { reason: 'too_many_failed_attempts', attempts: counted.attempts, lock_seconds: seconds },
        });
      }
      return { outcome, justLocked: counted?.justLocked === true };
    });
    if (result.justLocked) this.metrics.lockouts.inc();
    return result.outcome;
  }
}
