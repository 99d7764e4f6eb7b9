import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResult, postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';
import { createClient, createUser, login, TestClient } from '../factories';
import { clientCredentials } from '../factories/admin';

/**
 * The token grants during a real database outage (the connection to
 * PostgreSQL goes through a proxy the test cuts): no token can be issued
 * without its committed rows, and the answer must say "retry later"
 * (503 temporarily_unavailable with Retry-After), never a 500.
 */
describe('token grants during a database outage', () => {
  let app: TestApp;
  let proxy: TcpProxy;
  let service: TestClient;
  before(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    target.host = `127.0.0.1:${proxy.port}`;
    app = await startTestApp({ DATABASE_URL: target.toString(), REVOCATION_STALENESS_SECONDS: '3600' });
    service = await createClient(app);
  });
  after(async () => {
    proxy.restore();
    await app.close();
    await proxy.stop();
  });

  const assertUnavailable = (res: HttpResult<{ error?: string }>, label: string): void => {
    assert.equal(res.status, 503, `${label}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, 'temporarily_unavailable', label);
    assert.match(res.headers.get('retry-after') ?? '', /^\d+$/, `${label}: Retry-After`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  };

  it('client_credentials and refresh_token get 503 + Retry-After while PostgreSQL is down, then recover', async () => {
    const user = await createUser(app);
    const session = await login(app, user);
    assert.equal((await clientCredentials(app, service.clientId, service.secret!)).status, 200, 'warm');
    const refresh = (token: string) =>
      postForm(`${app.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: token });

    proxy.cut();
    for (let i = 0; i < 3; i++) {
      assertUnavailable(await clientCredentials(app, service.clientId, service.secret!), `client_credentials #${i}`);
      assertUnavailable(await refresh(session.refresh_token!), `refresh_token #${i}`);
    }

    proxy.restore();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await clientCredentials(app, service.clientId, service.secret!)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200, 'client_credentials works again once the database is back');
    // The refresh token was never consumed by the failed attempts.
    assert.equal((await refresh(session.refresh_token!)).status, 200);
  });
});
