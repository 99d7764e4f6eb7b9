import type { AuditEntry } from '../audit/audit.types';
import { auditActor, Principal } from '../common/auth/principal';

/**
 * The audit entry of a successful action on a user. Details never name the
 * person (username, email) nor carry a secret: after erasure the audit
 * trail must keep only the user id.
 */
export function userEvent(
  principal: Principal,
  eventType: string,
  userId: string,
  details: Record<string, unknown> = {},
): AuditEntry {
  return {
    eventType,
    outcome: 'success',
    actor: auditActor(principal),
    subject: { type: 'user', id: userId },
    details,
  };
}
