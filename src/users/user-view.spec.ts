import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toUserView } from './user-view';
import type { UserRow } from './users.repository';

const row: UserRow = {
  id: '3f0e6d1c-2b7a-4c1e-9a8b-0123456789ab',
  username: 'alice',
  email: null,
  password_hash: '$2b$10$secret-hash',
  disabled: false,
  deleted_at: null,
  failed_attempts: 3,
  locked_until: null,
  mfa_enabled: true,
  mfa_secret_enc: Buffer.from('sealed'),
  mfa_pending_secret_enc: null,
  mfa_last_step: '123',
  created_at: new Date('2026-01-02T03:04:05.678Z'),
  updated_at: new Date('2026-01-02T03:04:06Z'),
  roles: ['user'],
};

describe('toUserView', () => {
  it('shows exactly the public fields, dates in RFC 3339 UTC', () => {
    const view = toUserView(row);
    assert.deepEqual(Object.keys(view).sort(), [
      'created_at',
      'disabled',
      'email',
      'id',
      'locked',
      'locked_until',
      'mfa_enabled',
      'roles',
      'updated_at',
      'username',
    ]);
    assert.equal(view.created_at, '2026-01-02T03:04:05.678Z');
    assert.ok(!JSON.stringify(view).includes('secret'));
  });
  it('reports a lockout only while it lasts', () => {
    const now = Date.parse('2026-01-02T04:00:00Z');
    const locked = toUserView({ ...row, locked_until: new Date(now + 60_000) }, now);
    assert.equal(locked.locked, true);
    assert.equal(locked.locked_until, new Date(now + 60_000).toISOString());
    const expired = toUserView({ ...row, locked_until: new Date(now - 1) }, now);
    assert.equal(expired.locked, false);
    assert.equal(expired.locked_until, null);
  });
});
