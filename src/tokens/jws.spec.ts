import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningAlgorithm } from '../config/app-config';
import { decodeJws, signJws, verifySignature } from './jws';
import { generateSigningKey, privateKeyFromDer, publicKeyFromJwk } from './key-material';

describe('jws', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as SigningAlgorithm[]) {
    it(`signs and verifies ${alg}, and rejects tampering`, () => {
      const key = generateSigningKey(alg);
      assert.equal((key.publicJwk as Record<string, unknown>).d, undefined);
      const token = signJws({ typ: 'at+jwt', kid: key.kid }, { sub: 'x' }, alg, privateKeyFromDer(key.privateDer));
      const decoded = decodeJws(token)!;
      assert.equal(decoded.header.alg, alg);
      assert.equal(verifySignature(decoded, alg, publicKeyFromJwk(key.publicJwk)), true);
      const [h, , s] = token.split('.');
      const forged = decodeJws(`${h}.${Buffer.from('{"sub":"y"}').toString('base64url')}.${s}`)!;
      assert.equal(verifySignature(forged, alg, publicKeyFromJwk(key.publicJwk)), false);
    });
  }
  it('refuses malformed compact serialisations', () => {
    assert.equal(decodeJws('a.b'), null);
    assert.equal(decodeJws('a.b.c.d'), null);
    assert.equal(decodeJws('eyJ.e30.'), null);
    assert.equal(decodeJws('x'.repeat(9000)), null);
  });
});
