export type OwnerType = 'user' | 'client';
export const OWNER_TYPES: readonly OwnerType[] = ['user', 'client'];

/** An API key's owner: users.id or clients.id (both uuids). */
export interface ApiKeyOwner {
  type: OwnerType;
  id: string;
}

/** Metadata of a key as read from `api_keys` (never the secret hash). */
export interface ApiKeyRow {
  id: string;
  lookup_id: string;
  prefix: string;
  name: string;
  scope: string;
  owner_type: OwnerType;
  owner_id: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  rotated_at: Date | null;
  grace_expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  /** created_at at full (microsecond) precision, for pagination cursors. */
  created_cursor: string;
}

/**
 * What verification keeps in memory per key (by lookup id). Times are epoch
 * milliseconds. The owner's public client_id is kept so the revocation set
 * (which knows deleted clients by public id) can be asked without a query.
 */
export interface ApiKeyRecord {
  id: string;
  lookupId: string;
  secretHash: Buffer;
  scope: readonly string[];
  owner: ApiKeyOwner;
  ownerClientId: string | null;
  /** False when the owner was already disabled, erased or deleted when the record was loaded. */
  ownerActive: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Set once the key was rotated: it works only until then. */
  graceExpiresAt: number | null;
  lastUsedAt: number | null;
}

/** Cluster event: a key changed (rotated, revoked); every instance drops its cached record. */
export const API_KEY_CHANGED = 'api_key.changed';
