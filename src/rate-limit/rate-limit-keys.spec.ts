import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Runtime } from '../config/runtime';
import { RateLimitKeys } from './rate-limit-keys';

const runtimeWith = (kek: Buffer): Runtime => new Runtime('postgres://unused', false, kek, async () => undefined);

describe('RateLimitKeys', () => {
  const kek = randomBytes(32);
  const keys = new RateLimitKeys(runtimeWith(kek));

  it('is an HMAC-SHA256 under an HKDF key of KEY_ENCRYPTION_KEY, not a plain SHA-256', () => {
    const key = keys.key('token_ip', '203.0.113.7');
    const [group, digest] = key.split(':');
    assert.equal(group, 'token_ip');
    assert.match(digest, /^[0-9a-f]{32}$/);
    const derived = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'auth-service/rate-limit-keys/v1', 32));
    assert.equal(digest, createHmac('sha256', derived).update('203.0.113.7').digest('hex').slice(0, 32));
    assert.notEqual(digest, createHash('sha256').update('203.0.113.7').digest('hex').slice(0, 32));
    // The master key itself is not the HMAC key: the derivation separates purposes.
    assert.notEqual(digest, createHmac('sha256', kek).update('203.0.113.7').digest('hex').slice(0, 32));
  });

  it('cannot be reversed by hashing guesses without the key: an IPv4 dictionary finds nothing', () => {
    const target = keys.key('token_ip', '10.0.0.42').split(':')[1];
    for (let i = 0; i < 256; i++) {
      const guess = `10.0.0.${i}`;
      assert.notEqual(createHash('sha256').update(guess).digest('hex').slice(0, 32), target);
    }
  });

  it('is stable for one KEK (instances share budgets) and differs between KEKs and trackers', () => {
    const again = new RateLimitKeys(runtimeWith(Buffer.from(kek)));
    assert.equal(again.key('token_username', 'alice'), keys.key('token_username', 'alice'));
    assert.notEqual(
      new RateLimitKeys(runtimeWith(randomBytes(32))).key('token_username', 'alice'),
      keys.key('token_username', 'alice'),
    );
    assert.notEqual(keys.key('token_username', 'alice'), keys.key('token_username', 'bob'));
    assert.notEqual(keys.key('a', 'x').split(':')[1], keys.key('a', 'y').split(':')[1]);
  });

  it('remembers a key without changing it: the same tracker in two groups keeps each group', () => {
    const fresh = new RateLimitKeys(runtimeWith(Buffer.from(kek)));
    const first = fresh.key('introspect', 'authorization:Bearer x');
    assert.equal(fresh.key('introspect', 'authorization:Bearer x'), first);
    assert.equal(first, keys.key('introspect', 'authorization:Bearer x'));
    const other = fresh.key('revoke', 'authorization:Bearer x');
    assert.equal(other.split(':')[0], 'revoke');
    assert.equal(other.split(':')[1], first.split(':')[1]);
  });
});
