/**
 * Kinds of revocation entry (table `revocations`, mirrored in memory):
 * - jti:      one access token, until it expires
 * - sid:      a refresh-token family and every access token issued from it
 * - user:     every token of a user issued at or before `cutoffMs` (to the millisecond)
 * - user_off: a disabled or erased user: nothing of theirs is active (API keys too)
 * - client:   a deleted client (by public client_id): its tokens and keys
 * - api_key:  one API key
 */
export type RevocationKind = 'jti' | 'sid' | 'user' | 'user_off' | 'client' | 'api_key';

export interface RevocationEntry {
  kind: RevocationKind;
  subject: string;
  /**
   * For `user`: tokens issued at or before this time (ms since epoch) are
   * dead. Milliseconds, not a JWT's whole seconds: a user disabled and
   * re-enabled within one second can use a fresh login (see cutoff.ts).
   */
  cutoffMs?: number | null;
  /** Seconds since epoch after which the entry can be forgotten; null = never. */
  expiresAt?: number | null;
}

export const REVOCATION_ADDED = 'revocation.added';
export const REVOCATION_REMOVED = 'revocation.removed';
