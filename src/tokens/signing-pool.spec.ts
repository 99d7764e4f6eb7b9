import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importJWK, jwtVerify } from 'jose';
import pino from 'pino';
import { AppConfig } from '../config/app-config';
import { generateSigningKey, privateKeyFromDer, publicKeyFromJwk } from './key-material';
import { LoadedKey } from './signing-key.types';
import { SigningPool } from './signing-pool.service';

function loaded(alg: 'RS256' | 'ES256'): LoadedKey {
  const g = generateSigningKey(alg);
  const publicKey = publicKeyFromJwk(g.publicJwk);
  return {
    kid: g.kid,
    alg,
    publicJwk: g.publicJwk,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicKey,
    privateKey: privateKeyFromDer(g.privateDer),
    createdAt: new Date(),
    activatesAt: new Date(),
    retiredAt: null,
  };
}

describe('SigningPool', () => {
  const config = Object.assign(new AppConfig(), { signingWorkers: 2 });
  const pool = new SigningPool(config, pino({ level: 'silent' }));
  after(() => pool.onModuleDestroy());

  it('signs many tokens at once on the workers, with several keys, each verifiable with jose', async () => {
    const keys = [loaded('RS256'), loaded('ES256')];
    const jobs = Array.from({ length: 60 }, (_, i) => ({ key: keys[i % 2], claims: { sub: `s${i}`, n: i } }));
    const tokens = await Promise.all(jobs.map((j) => pool.sign(j.claims, j.key)));
    assert.equal(new Set(tokens).size, tokens.length);
    for (const [i, token] of tokens.entries()) {
      const key = jobs[i].key;
      const { payload, protectedHeader } = await jwtVerify(
        token,
        await importJWK({ ...key.publicJwk } as never, key.alg),
        { typ: 'at+jwt' },
      );
      assert.deepEqual(
        [payload.sub, payload.n, protectedHeader.kid, protectedHeader.alg],
        [`s${i}`, i, key.kid, key.alg],
      );
    }
  });

  it('fails the jobs of a worker that dies and replaces it', async () => {
    const key = loaded('RS256');
    const slots = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
    const pending = Promise.allSettled([pool.sign({ sub: 'a' }, key), pool.sign({ sub: 'b' }, key)]);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    const settled = await pending;
    // Either signed before the worker died or failed with a clear error: never left hanging.
    for (const s of settled) if (s.status === 'rejected') assert.match(String(s.reason), /signing worker exited/);
    await new Promise((r) => setTimeout(r, 50));
    assert.match(await pool.sign({ sub: 'c' }, key), /^eyJ/);
  });
});
