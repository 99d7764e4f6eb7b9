import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { loadConfig } from '../config/app-config';
import { Runtime } from '../config/runtime';
import { CheckpointSigner } from './checkpoint-signer';

const KEK = Buffer.alloc(32, 7);
const runtime = new Runtime('postgres://x', false, KEK, async () => undefined);
const body = { seq: 42, hash: 'ab'.repeat(32), signed_at: '2026-01-01T00:00:00.000Z' };

describe('CheckpointSigner', () => {
  it('derives one stable key from KEY_ENCRYPTION_KEY, another from AUDIT_SIGNING_KEY', () => {
    const a = new CheckpointSigner(loadConfig({}), runtime);
    const b = new CheckpointSigner(loadConfig({}), runtime);
    assert.deepEqual(a.jwk, b.jwk);
    const own = new CheckpointSigner(
      loadConfig({ AUDIT_SIGNING_KEY: Buffer.alloc(32, 1).toString('base64') }),
      runtime,
    );
    assert.notEqual(own.jwk.x, a.jwk.x);
    assert.deepEqual(Object.keys(a.jwk).sort(), ['crv', 'kid', 'kty', 'x']);
    assert.equal(a.jwk.kty, 'OKP');
    assert.equal(a.jwk.crv, 'Ed25519');
  });

  it('signs the JCS bytes of {hash, seq, signed_at}, verifiable with the JWK alone', () => {
    const signer = new CheckpointSigner(loadConfig({}), runtime);
    const cp = signer.sign(body);
    assert.match(cp.signature, /^[A-Za-z0-9_-]{86}$/);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signer.jwk.x }, format: 'jwk' });
    const bytes = Buffer.from(`{"hash":"${body.hash}","seq":42,"signed_at":"${body.signed_at}"}`);
    assert.ok(verify(null, bytes, key, Buffer.from(cp.signature, 'base64url')));
    assert.equal(signer.verify(cp), true);
  });

  it('rejects a changed field, a foreign key and a malformed signature', () => {
    const signer = new CheckpointSigner(loadConfig({}), runtime);
    const cp = signer.sign(body);
    assert.equal(signer.verify({ ...cp, seq: 43 }), false);
    assert.equal(signer.verify({ ...cp, hash: 'cd'.repeat(32) }), false);
    assert.equal(signer.verify({ ...cp, signed_at: '2026-01-01T00:00:00.001Z' }), false);
    assert.equal(signer.verify({ ...cp, signature: 'A'.repeat(86) }), false);
    assert.equal(signer.verify({ ...cp, signature: '!!' }), false);
    const other = new CheckpointSigner(
      loadConfig({ AUDIT_SIGNING_KEY: Buffer.alloc(32, 2).toString('base64') }),
      runtime,
    );
    assert.equal(other.verify(cp), false);
    assert.equal(other.verify({ ...cp, kid: other.jwk.kid }), false);
  });
});
