import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../common/crypto/secrets';
import { newApiKey, parseApiKey } from './api-key-format';

describe('api key format', () => {
  it('makes ak_ keys with a clear lookup id and a 256-bit secret, stored only as its hash', () => {
    const fresh = newApiKey();
    assert.match(fresh.key, /^ak_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal(fresh.prefix, fresh.key.slice(0, 12));
    const parsed = parseApiKey(fresh.key);
    assert.ok(parsed);
    assert.equal(parsed.lookupId, fresh.lookupId);
    assert.deepEqual(sha256(parsed.secret), fresh.secretHash);
    assert.equal(Buffer.from(parsed.secret, 'base64url').length, 32);
  });

  it('never repeats itself', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newApiKey().key));
    assert.equal(keys.size, 200);
  });

  it('refuses anything not shaped like a key', () => {
    const good = newApiKey().key;
    for (const bad of [
      '',
      'ak_',
      good.slice(0, -1),
      `${good}x`,
      good.replace('ak_', 'rt_'),
      `ak_${'a'.repeat(10_000)}`,
      good.replace(/_/, '-'),
      `${good}\n`,
    ]) {
      assert.equal(parseApiKey(bad), null, bad.slice(0, 30));
    }
  });
});
