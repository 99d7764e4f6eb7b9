import { Injectable, OnModuleInit } from '@nestjs/common';
import { FailureAudit } from '../audit/failure-audit.service';
import { RequestContext } from '../common/http/request-context';
import { DISPLAY_PREFIX_LENGTH } from './api-key-format';
import { ApiKeyEvents, KeyFailure } from './api-key-events';

/**
 * `api_key.auth_failed` rows, listening to the verifier's `failed` events
 * and damped by the service-wide rule (FailureAudit: one row per IP, key
 * and reason per minute, with a count), so a flood of garbage keys never
 * becomes a flood of INSERTs. Never records the presented key.
 */
@Injectable()
export class ApiKeyFailures implements OnModuleInit {
  constructor(
    private readonly events: ApiKeyEvents,
    private readonly failures: FailureAudit,
  ) {}

  onModuleInit(): void {
    this.events.onFailed((failure) => void this.record(failure));
  }

  /** Never throws (FailureAudit logs a failed write). */
  async record(failure: KeyFailure): Promise<void> {
    const details: Record<string, unknown> = { reason: failure.reason };
    // The display prefix (as listed by GET /v1/api-keys) identifies the key; the secret part never appears.
    if (failure.lookupId) details.prefix = `ak_${failure.lookupId}`.slice(0, DISPLAY_PREFIX_LENGTH);
    const ip = RequestContext.current().ip ?? '-';
    await this.failures.record(
      {
        eventType: 'api_key.auth_failed',
        outcome: 'failure',
        actor: { type: 'anonymous', id: null },
        subject: failure.keyId ? { type: 'api_key', id: failure.keyId } : undefined,
        details,
      },
      `${ip}|${failure.keyId ?? '-'}|${failure.reason}`,
    );
  }
}
