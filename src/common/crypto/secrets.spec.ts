import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { constantTimeEqual, decryptAesGcm, encryptAesGcm, generateSecret, sha256 } from './secrets';

describe('secrets', () => {
  it('generates prefixed secrets with at least 256 bits of randomness', () => {
    const s = generateSecret('rt_');
    assert.match(s, /^rt_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(s.slice(3), 'base64url').length, 32);
    assert.notEqual(generateSecret('rt_'), s);
  });

  it('compares in constant time and handles length mismatch', () => {
    assert.equal(constantTimeEqual(sha256('a'), sha256('a')), true);
    assert.equal(constantTimeEqual(sha256('a'), sha256('b')), false);
    assert.equal(constantTimeEqual(Buffer.from('a'), Buffer.from('ab')), false);
  });

  it('round-trips AES-GCM and rejects a tampered ciphertext or another AAD', () => {
    const key = randomBytes(32);
    const blob = encryptAesGcm(key, Buffer.from('private key'), 'kid-1');
    assert.equal(decryptAesGcm(key, blob, 'kid-1').toString(), 'private key');
    assert.throws(() => decryptAesGcm(key, blob, 'kid-2'));
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() => decryptAesGcm(key, tampered, 'kid-1'));
  });
});
