export type AuditOutcome = 'success' | 'failure';
export type ActorType = 'user' | 'client' | 'api_key' | 'system' | 'anonymous';

export interface AuditActor {
  type: ActorType;
  id?: string | null;
}

export interface AuditEntry {
  eventType: string;
  outcome: AuditOutcome;
  actor: AuditActor;
  subject?: { type: string; id: string | null };
  /** Never a password, token, secret, key or hash of one; failures carry `reason`. */
  details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null };
export const ANONYMOUS_ACTOR: AuditActor = { type: 'anonymous', id: null };
