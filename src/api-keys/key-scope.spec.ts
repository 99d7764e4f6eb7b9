import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemError } from '../common/errors/problem-error';
import { notHeld, parseKeyScope } from './key-scope';

describe('key scope', () => {
  it('sorts and de-duplicates; blank means the default', () => {
    assert.deepEqual(parseKeyScope('users:read  audit:read users:read'), ['audit:read', 'users:read']);
    assert.equal(parseKeyScope(undefined), undefined);
    // `"scope": null` in JSON passes @IsOptional(); it was a TypeError (500), found by the fuzzer.
    assert.equal(parseKeyScope(null), undefined);
    assert.equal(parseKeyScope('   '), undefined);
  });
  it('refuses malformed scope as a 400 problem', () => {
    for (const bad of ['a"b', 'a\\b', 'x'.repeat(129), Array.from({ length: 257 }, (_, i) => `p${i}`).join(' ')]) {
      assert.throws(
        () => parseKeyScope(bad),
        (e: unknown) => e instanceof ProblemError && e.status === 400,
      );
    }
  });
  it('lists what is not held', () => {
    assert.deepEqual(notHeld(['a', 'b', 'c'], new Set(['b'])), ['a', 'c']);
  });
});
