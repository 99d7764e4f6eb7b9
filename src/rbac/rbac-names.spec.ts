import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPermissionName, isRoleName, missingPermissions } from './rbac-names';

describe('rbac names', () => {
  it('accepts role names per the contract', () => {
    for (const ok of ['a', 'admin', 'kafka-producer', 'x_1', 'a'.repeat(64)]) assert.equal(isRoleName(ok), true, ok);
    for (const bad of ['', 'Admin', '1abc', '-a', 'a'.repeat(65), 'a b', 'a\u0000', 'é', 'a:b', 42])
      assert.equal(isRoleName(bad), false, String(bad));
  });

  it('accepts permission names shaped resource:action', () => {
    for (const ok of ['users:read', 'kafka:create', 'api_keys:write', `${'a'.repeat(64)}:${'b'.repeat(64)}`])
      assert.equal(isPermissionName(ok), true, ok);
    for (const bad of [
      'users',
      'users:',
      ':read',
      'Users:read',
      'a:b:c',
      'a :b',
      `${'a'.repeat(65)}:b`,
      'a:1b',
      null,
    ]) {
      assert.equal(isPermissionName(bad), false, String(bad));
    }
  });

  it('lists what a holder lacks, once each', () => {
    const held = new Set(['users:read', 'roles:write']);
    assert.deepEqual(missingPermissions(held, ['users:write', 'users:read', 'users:write', 'audit:read']), [
      'audit:read',
      'users:write',
    ]);
    assert.deepEqual(missingPermissions(held, []), []);
  });
});
