import type { ApiKeyRecord, ApiKeyRow } from './api-key.types';

export type InactiveReason = 'revoked' | 'expired' | 'rotated' | 'owner_inactive';
export type ApiKeyStatus = 'active' | 'rotating' | 'rotated' | 'revoked' | 'expired';

/** What the in-memory revocation set says about a key and its owner. */
export interface RevocationFlags {
  keyRevoked: boolean;
  ownerRevoked: boolean;
}

/** Why a key is not active at `now` (ms), or null when it is. */
export function inactiveReason(record: ApiKeyRecord, now: number, flags: RevocationFlags): InactiveReason | null {
  if (record.revokedAt !== null || flags.keyRevoked) return 'revoked';
  if (record.expiresAt !== null && record.expiresAt <= now) return 'expired';
  if (record.graceExpiresAt !== null && record.graceExpiresAt <= now) return 'rotated';
  if (!record.ownerActive || flags.ownerRevoked) return 'owner_inactive';
  return null;
}

/** When the key stops working on its own (expiry or end of rotation grace), epoch ms. */
export function effectiveExpiry(expiresAt: number | null, graceExpiresAt: number | null): number | null {
  if (expiresAt === null) return graceExpiresAt;
  if (graceExpiresAt === null) return expiresAt;
  return Math.min(expiresAt, graceExpiresAt);
}

/** The display status of a key's metadata (owner state is not part of it). */
export function statusOf(row: ApiKeyRow, now = Date.now()): ApiKeyStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at.getTime() <= now) return 'expired';
  if (row.grace_expires_at) return row.grace_expires_at.getTime() <= now ? 'rotated' : 'rotating';
  return 'active';
}
