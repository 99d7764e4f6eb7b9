import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OAuthError } from '../common/errors/oauth-error';
import { grantScope, isNarrowed, parseScope } from './scope';

describe('scope', () => {
  const held = new Set(['users:read', 'users:write', 'kafka:create']);

  it('grants everything held when nothing is requested', () => {
    assert.deepEqual(grantScope(undefined, held), ['kafka:create', 'users:read', 'users:write']);
  });
  it('calls a scope narrowed unless it carries everything held', () => {
    assert.equal(isNarrowed(grantScope(undefined, held), held), false);
    assert.equal(isNarrowed(grantScope(parseScope('users:write kafka:create users:read'), held), held), false);
    assert.equal(isNarrowed(grantScope(parseScope('users:read'), held), held), true);
  });
  it('grants the requested subset', () => {
    assert.deepEqual(grantScope(parseScope('users:read  users:read'), held), ['users:read']);
  });
  it('refuses a permission not held with invalid_scope', () => {
    assert.throws(
      () => grantScope(['roles:write'], held),
      (e: unknown) => e instanceof OAuthError && e.code === 'invalid_scope',
    );
  });
  it('refuses malformed scope tokens', () => {
    assert.throws(() => parseScope('a"b'), OAuthError);
    assert.equal(parseScope('   '), undefined);
  });
});
