import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveExpiry, inactiveReason, statusOf } from './api-key-state';
import { ApiKeyRecord, ApiKeyRow } from './api-key.types';

const now = 1_700_000_000_000;
const record = (over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'k',
  lookupId: 'l',
  secretHash: Buffer.alloc(32),
  scope: ['users:read'],
  owner: { type: 'user', id: 'u' },
  ownerClientId: null,
  ownerActive: true,
  expiresAt: null,
  revokedAt: null,
  graceExpiresAt: null,
  lastUsedAt: null,
  ...over,
});
const clean = { keyRevoked: false, ownerRevoked: false };

describe('api key state', () => {
  it('is active when nothing says otherwise', () => {
    assert.equal(inactiveReason(record(), now, clean), null);
    assert.equal(inactiveReason(record({ expiresAt: now + 1, graceExpiresAt: now + 1 }), now, clean), null);
  });
  it('knows revoked (row or revocation set), expired, rotated-out and owner-off keys', () => {
    assert.equal(inactiveReason(record({ revokedAt: now - 1 }), now, clean), 'revoked');
    assert.equal(inactiveReason(record(), now, { keyRevoked: true, ownerRevoked: false }), 'revoked');
    assert.equal(inactiveReason(record({ expiresAt: now }), now, clean), 'expired');
    assert.equal(inactiveReason(record({ graceExpiresAt: now }), now, clean), 'rotated');
    assert.equal(inactiveReason(record({ ownerActive: false }), now, clean), 'owner_inactive');
    assert.equal(inactiveReason(record(), now, { keyRevoked: false, ownerRevoked: true }), 'owner_inactive');
  });
  it('expires at the earlier of expiry and grace end', () => {
    assert.equal(effectiveExpiry(null, null), null);
    assert.equal(effectiveExpiry(5, null), 5);
    assert.equal(effectiveExpiry(null, 7), 7);
    assert.equal(effectiveExpiry(9, 7), 7);
  });
  it('derives a display status from the row', () => {
    const row = { revoked_at: null, expires_at: null, grace_expires_at: null } as unknown as ApiKeyRow;
    assert.equal(statusOf(row, now), 'active');
    assert.equal(statusOf({ ...row, grace_expires_at: new Date(now + 1000) }, now), 'rotating');
    assert.equal(statusOf({ ...row, grace_expires_at: new Date(now) }, now), 'rotated');
    assert.equal(statusOf({ ...row, expires_at: new Date(now - 1) }, now), 'expired');
    assert.equal(statusOf({ ...row, revoked_at: new Date(now), expires_at: new Date(now - 1) }, now), 'revoked');
  });
});
