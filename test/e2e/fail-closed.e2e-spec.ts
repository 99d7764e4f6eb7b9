import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';
import { createUser, login } from '../factories';
import { introspectorClient } from '../factories/oauth';

describe('introspection fails closed when the revocation feed is stale', () => {
  let app: TestApp;
  let proxy: TcpProxy;
  before(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    target.host = `127.0.0.1:${proxy.port}`;
    app = await startTestApp({ REVOCATION_STALENESS_SECONDS: '1', DATABASE_URL: target.toString() });
  });
  after(async () => {
    proxy.restore();
    await app.close();
    await proxy.stop();
  });

  it('answers 503 once the database (and so the feed) has been unreachable past the limit, then recovers', async () => {
    const caller = await introspectorClient(app);
    const user = await createUser(app);
    const { access_token } = await login(app, user);
    const introspect = () =>
      postForm(`${app.url}/oauth/introspect`, { token: access_token }, basic(caller.clientId, caller.secret!));
    assert.equal((await introspect()).status, 200);

    proxy.cut();
    // Within the limit the token is still vouched for from memory...
    assert.equal((await introspect()).status, 200);
    await new Promise((r) => setTimeout(r, 1_300));
    // ...past it, the service cannot know about revocations it missed: fail closed.
    const stale = await introspect();
    assert.equal(stale.status, 503);
    assert.equal(stale.body.error, 'temporarily_unavailable');
    // The same token on /v1 is refused too, in the problem shape, rather than vouched for.
    const v1 = await request('GET', `${app.url}/v1/me`, { token: access_token });
    assert.equal(v1.status, 503);
    assert.equal(v1.headers.get('content-type'), 'application/problem+json; charset=utf-8');

    proxy.restore();
    const deadline = Date.now() + 8_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await introspect()).status;
    }
    assert.equal(status, 200, 'answers again once the feed has reconnected and reloaded');
  });
});
