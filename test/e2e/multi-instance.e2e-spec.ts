import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { basic, postForm } from '../support/http';
import { startServiceProcess, ServiceProcess } from '../support/service-process';
import { startTestApp, testEnv, TestApp } from '../support/test-app';
import { createUser, TestClient, TokenBody } from '../factories';
import { introspectorClient } from '../factories/oauth';

const ISSUER = 'http://auth.multi-instance.test';

describe('two service processes on one database', () => {
  let factory: TestApp;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let inspector: TestClient;

  const login = async (on: ServiceProcess, user: { username: string; password: string }): Promise<TokenBody> => {
    const res = await postForm<TokenBody>(`${on.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'cli',
      username: user.username,
      password: user.password,
    });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const introspect = async (on: ServiceProcess, token: string): Promise<Record<string, unknown>> =>
    (await postForm(`${on.url}/oauth/introspect`, { token }, basic(inspector.clientId, inspector.secret!))).body;
  const waitInactive = async (on: ServiceProcess, token: string, limitMs: number): Promise<number> => {
    const start = performance.now();
    while (performance.now() - start < limitMs) {
      if ((await introspect(on, token)).active === false) return performance.now() - start;
      await new Promise((r) => setTimeout(r, 5));
    }
    return Number.POSITIVE_INFINITY;
  };

  before(async () => {
    const env = testEnv({ ISSUER, LOG_LEVEL: 'warn' });
    factory = await startTestApp({ ISSUER });
    inspector = await introspectorClient(factory);
    [a, b] = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await factory?.close();
  });

  it('a token issued on A is active on B, and a revocation on A is seen by B within 1 s', async () => {
    const user = await createUser(factory);
    const timings: number[] = [];
    for (let i = 0; i < 10; i++) {
      const tokens = await login(a, user);
      assert.equal((await introspect(b, tokens.access_token)).active, true);
      const res = await postForm(`${a.url}/oauth/revoke`, { token: tokens.access_token, client_id: 'cli' });
      assert.equal(res.status, 200);
      timings.push(await waitInactive(b, tokens.access_token, 1_000));
    }
    timings.sort((x, y) => x - y);
    assert.ok(timings[timings.length - 1] < 1_000, `slowest propagation ${timings[timings.length - 1]} ms`);
    console.log(`# revocation A->B: median ${timings[5].toFixed(1)} ms, max ${timings[9].toFixed(1)} ms`);
  });

  it('B catches up on a revocation made while its LISTEN connection was down', async () => {
    const user = await createUser(factory);
    const tokens = await login(a, user);
    assert.equal((await introspect(b, tokens.access_token)).active, true);
    const db = factory.get(Database);
    const killed = await db.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`,
      [`auth-listener:${b.pid}`],
    );
    assert.equal(killed.length, 1, 'B has exactly one listener connection');
    await postForm(`${a.url}/oauth/revoke`, { token: tokens.access_token, client_id: 'cli' });
    const elapsed = await waitInactive(b, tokens.access_token, 5_000);
    assert.ok(elapsed < 5_000, 'B must answer active:false after reconnecting');
    const reconnected = await db.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [
      `auth-listener:${b.pid}`,
    ]);
    assert.equal(reconnected.length, 1, 'B listens again');
  });

  it('disabling a user on A kills its tokens on B', async () => {
    const user = await createUser(factory);
    const tokens = await login(a, user);
    const { RevocationService } = await import('../../src/revocation/revocation.service');
    await factory
      .get(Database)
      .transaction((tx) =>
        factory.get(RevocationService).revoke(tx, { kind: 'user_off', subject: user.id, expiresAt: null }),
      );
    assert.ok((await waitInactive(b, tokens.access_token, 1_000)) < 1_000);
    assert.ok((await waitInactive(a, tokens.access_token, 1_000)) < 1_000);
  });
});
