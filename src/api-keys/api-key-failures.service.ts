import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { DISPLAY_PREFIX_LENGTH } from './api-key-format';
import { FailureAuditLimiter } from './failure-audit-limiter';

export interface KeyFailure {
  reason: string;
  /** Absent for malformed keys. */
  lookupId?: string;
  /** The key row id, when the lookup id named an existing key. */
  keyId?: string;
}

/**
 * `api_key.auth_failed` rows, rate-limited (once per lookup id or per
 * `malformed` per minute, and a cap overall) so a flood of garbage keys
 * never becomes a flood of INSERTs. Never records the presented key.
 */
@Injectable()
export class ApiKeyFailures {
  private readonly limiter = new FailureAuditLimiter();

  constructor(
    private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  async record(failure: KeyFailure): Promise<void> {
    const admission = this.limiter.admit(failure.lookupId ? `id:${failure.lookupId}` : 'malformed');
    if (!admission) return;
    const details: Record<string, unknown> = { reason: failure.reason };
    // The display prefix (as listed by GET /v1/api-keys) identifies the key; the secret part never appears.
    if (failure.lookupId) details.prefix = `ak_${failure.lookupId}`.slice(0, DISPLAY_PREFIX_LENGTH);
    if (admission.suppressed > 0) details.suppressed = admission.suppressed;
    if (admission.dropped > 0) details.dropped = admission.dropped;
    try {
      await this.audit.recordAlone({
        eventType: 'api_key.auth_failed',
        outcome: 'failure',
        actor: { type: 'anonymous', id: null },
        subject: failure.keyId ? { type: 'api_key', id: failure.keyId } : undefined,
        details,
      });
    } catch (err) {
      // The request is refused either way; a failed audit write must not turn a 401 into a 500.
      this.logger.warn({ err: (err as Error).message }, 'could not write api_key.auth_failed');
    }
  }
}
