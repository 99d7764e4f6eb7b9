import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { Database } from '../../src/database/database.service';
import { adminSession, createClient } from '../factories';
import { introspectorClient } from '../factories/oauth';
import { Secret, sign, Signed } from '../factories/signatures';
import { basic, postForm, request } from '../support/http';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** The nonce registry's Redis key of a signature (nonce-registry.service.ts). */
const nonceKey = (keyid: string, form: Signed): string => {
  const nonce = /;nonce="([^"]+)"/.exec(form.signature_input)?.[1] ?? '';
  return `auth:sig-nonce:${createHash('sha256').update(`${keyid}\n${nonce}`).digest('base64url')}`;
};

describe('signed requests with REDIS_URL: nonces in Redis, shared by the instances', () => {
  let a: TestApp;
  let b: TestApp;
  let lost: TestApp;
  let proxy: TcpProxy;
  let redis: Redis;
  let verifier: { clientId: string; secret?: string };
  let secret: Secret;

  const verify = async (app: TestApp, form: Signed): Promise<unknown> =>
    (await postForm(`${app.url}/oauth/signatures/verify`, { ...form }, basic(verifier.clientId, verifier.secret!)))
      .body;
  const rowsFor = async (form: Signed): Promise<number> => {
    const nonce = /;nonce="([^"]+)"/.exec(form.signature_input)?.[1];
    const rows = await a.get(Database).query('SELECT 1 FROM signature_nonces WHERE nonce = $1', [nonce]);
    return rows.length;
  };

  before(async () => {
    proxy = new TcpProxy('127.0.0.1', 6379);
    await proxy.start();
    [a, b, lost] = await Promise.all([
      startTestApp({ REDIS_URL }),
      startTestApp({ REDIS_URL }),
      startTestApp({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` }),
    ]);
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    const admin = (await adminSession(a)).token;
    verifier = await introspectorClient(a, ['signatures:verify']);
    const signer = await createClient(a);
    const res = await request<Secret>('POST', `${a.url}/v1/clients/${signer.clientId}/signing-secrets`, {
      token: admin,
      json: {},
    });
    assert.equal(res.status, 201, res.text);
    secret = res.body;
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close(), lost?.close()]);
    await proxy?.stop();
    redis?.disconnect();
  });

  it('keeps a nonce in Redis (not PostgreSQL) until expires + 60 s; both instances refuse its replay', async () => {
    const form = await sign(secret);
    assert.equal(((await verify(a, form)) as { valid: boolean }).valid, true);
    assert.deepEqual(await verify(a, form), { valid: false });
    assert.deepEqual(await verify(b, form), { valid: false });
    const expires = Number(/;expires=(\d+)/.exec(form.signature_input)?.[1]);
    assert.equal(await redis.expiretime(nonceKey(secret.keyid, form)), expires + 60);
    assert.equal(await rowsFor(form), 0);
  });

  it('concurrently: 40 distinct nonces are all valid, one nonce sent 20 times at once is valid once', async () => {
    const distinct = await Promise.all(Array.from({ length: 40 }, () => sign(secret)));
    const answers = await Promise.all(distinct.map((form, i) => verify(i % 2 === 0 ? a : b, form)));
    assert.ok(answers.every((x) => (x as { valid: boolean }).valid === true));
    const form = await sign(secret);
    const same = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(i % 2 === 0 ? a : b, form)));
    assert.equal(same.filter((x) => (x as { valid: boolean }).valid === true).length, 1);
  });

  it('falls back to PostgreSQL when Redis is unreachable: still valid once, replay still refused', async () => {
    const first = await sign(secret);
    assert.equal(((await verify(lost, first)) as { valid: boolean }).valid, true);
    proxy.cut();
    try {
      const forms = await Promise.all(Array.from({ length: 5 }, () => sign(secret)));
      const answers = await Promise.all(forms.map((form) => verify(lost, form)));
      assert.ok(answers.every((x) => (x as { valid: boolean }).valid === true));
      for (const form of forms) {
        assert.deepEqual(await verify(lost, form), { valid: false });
        assert.equal(await rowsFor(form), 1);
      }
    } finally {
      proxy.restore();
    }
  });
});
