import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, KeyObject } from 'node:crypto';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import type { SigningAlgorithm } from '../config/app-config';
import { readHeader, signAccessJwt, verifyAccessJwt } from './jwt-codec';
import { generateSigningKey, privateKeyFromDer, publicKeyFromJwk } from './key-material';

const ISS = 'https://auth.example';
const AUD = 'https://api.example';
const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function material(alg: SigningAlgorithm) {
  const generated = generateSigningKey(alg);
  const publicKey = publicKeyFromJwk(generated.publicJwk);
  return {
    kid: generated.kid,
    alg,
    jwk: generated.publicJwk,
    privateKey: privateKeyFromDer(generated.privateDer),
    publicKey,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const claims = () => ({
  iss: ISS,
  aud: AUD,
  sub: 's',
  jti: 'j',
  client_id: 'c',
  scope: '',
  iat: now(),
  nbf: now(),
  exp: now() + 60,
});
const expect = (m: ReturnType<typeof material>) => ({
  alg: m.alg,
  publicPem: m.publicPem,
  issuer: ISS,
  audience: AUD,
  nowSeconds: now(),
});

describe('jwt-codec (@nestjs/jwt) against jose', () => {
  for (const alg of ['RS256', 'ES256'] as SigningAlgorithm[]) {
    it(`${alg}: a token we sign verifies with jose from the published JWK, header typ at+jwt and kid`, async () => {
      const m = material(alg);
      assert.equal((m.jwk as Record<string, unknown>).d, undefined);
      const token = signAccessJwt(claims(), m);
      const { payload, protectedHeader } = await jwtVerify(token, await importJWK({ ...m.jwk } as never, alg), {
        issuer: ISS,
        audience: AUD,
        typ: 'at+jwt',
        algorithms: [alg],
      });
      assert.deepEqual([protectedHeader.alg, protectedHeader.kid, protectedHeader.typ], [alg, m.kid, 'at+jwt']);
      assert.equal(payload.sub, 's');
      assert.equal(readHeader(token)?.kid, m.kid);
      assert.equal(verifyAccessJwt(token, expect(m))?.sub, 's');
    });

    it(`${alg}: a token jose signs with our key verifies; one signed by another key does not`, async () => {
      const m = material(alg);
      const joseToken = await new SignJWT(claims())
        .setProtectedHeader({ alg, typ: 'at+jwt', kid: m.kid })
        .sign(m.privateKey);
      assert.equal(verifyAccessJwt(joseToken, expect(m))?.client_id, 'c');
      const other = material(alg);
      const forged = await new SignJWT(claims())
        .setProtectedHeader({ alg, typ: 'at+jwt', kid: m.kid })
        .sign(other.privateKey);
      assert.equal(verifyAccessJwt(forged, expect(m)), null);
    });
  }

  it("refuses alg none, HS256 keyed with the public key, and an alg other than the key's own", async () => {
    const rsa = material('RS256');
    const body = b64(claims());
    for (const alg of ['none', 'None'])
      assert.equal(verifyAccessJwt(`${b64({ alg, typ: 'at+jwt', kid: rsa.kid })}.${body}.`, expect(rsa)), null);
    for (const secret of [rsa.publicPem, rsa.publicKey.export({ format: 'der', type: 'spki' })]) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: rsa.kid })}.${body}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      assert.equal(verifyAccessJwt(`${input}.${mac}`, expect(rsa)), null);
    }
    const ps256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'PS256', typ: 'at+jwt', kid: rsa.kid })
      .sign(rsa.privateKey as KeyObject);
    assert.equal(verifyAccessJwt(ps256, expect(rsa)), null);
    const ec = material('ES256');
    const es = signAccessJwt(claims(), ec);
    assert.equal(verifyAccessJwt(es, { ...expect(ec), alg: 'RS256', publicPem: rsa.publicPem }), null);
  });

  it('checks iss, aud, exp and nbf', () => {
    const m = material('RS256');
    const t = now();
    assert.equal(verifyAccessJwt(signAccessJwt({ ...claims(), iss: 'https://evil' }, m), expect(m)), null);
    assert.equal(verifyAccessJwt(signAccessJwt({ ...claims(), aud: 'https://other' }, m), expect(m)), null);
    assert.equal(verifyAccessJwt(signAccessJwt({ ...claims(), exp: t - 1 }, m), expect(m)), null);
    assert.equal(verifyAccessJwt(signAccessJwt({ ...claims(), nbf: t + 60 }, m), expect(m)), null);
  });

  it('reads only well-formed headers: typ at+jwt, a kid, no crit, bounded size', () => {
    const body = b64(claims());
    const h = (header: object): string => `${b64(header)}.${body}.sig`;
    assert.deepEqual(readHeader(h({ alg: 'RS256', typ: 'at+jwt', kid: 'k' })), { kid: 'k', alg: 'RS256' });
    assert.equal(readHeader(h({ alg: 'RS256', typ: 'application/at+jwt', kid: 'k' }))?.kid, 'k');
    assert.equal(readHeader(h({ alg: 'RS256', typ: 'JWT', kid: 'k' })), null);
    assert.equal(readHeader(h({ alg: 'RS256', kid: 'k' })), null);
    assert.equal(readHeader(h({ alg: 'RS256', typ: 'at+jwt' })), null);
    assert.equal(readHeader(h({ alg: 'RS256', typ: 'at+jwt', kid: 42 })), null);
    assert.equal(readHeader(h({ alg: 'RS256', typ: 'at+jwt', kid: 'k', crit: ['x'] })), null);
    assert.equal(readHeader(h({ alg: 'RS256', typ: 'at+jwt', kid: 'k'.repeat(129) })), null);
    for (const junk of ['a.b', 'a.b.c.d', '', 'x'.repeat(9_000), '%%%.e30.sig']) assert.equal(readHeader(junk), null);
  });
});
