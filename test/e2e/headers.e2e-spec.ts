import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResult, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { createUser, login, passwordGrant } from '../factories';

function cspOf(res: HttpResult): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

describe('security headers', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('sends nosniff, a deny-all CSP and no server banner on API responses, and no HSTS over plain HTTP', async () => {
    const responses = [
      await request('GET', `${app.url}/health/live`),
      await request('GET', `${app.url}/.well-known/jwks.json`),
      await postForm(`${app.url}/oauth/token`, { grant_type: 'nope' }),
      await request('GET', `${app.url}/v1/me`),
      await request('GET', `${app.url}/no-such-route`),
    ];
    for (const res of responses) {
      // HSTS only over TLS (API.md; tls-service.e2e-spec checks it there).
      assert.equal(res.headers.get('strict-transport-security'), null);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      const csp = cspOf(res);
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
      assert.equal(csp.has('script-src'), false);
      assert.equal(res.headers.get('x-powered-by'), null);
      assert.equal(res.headers.get('server'), null);
    }
  });

  it('marks every /oauth and /v1 response no-store, successes and errors alike', async () => {
    const user = await createUser(app);
    const { access_token } = await login(app, user);
    const responses = [
      await passwordGrant(app, user),
      await passwordGrant(app, { username: user.username, password: 'wrong-password-123' }),
      await postForm(`${app.url}/oauth/introspect`, { token: access_token }),
      await postForm(`${app.url}/oauth/revoke`, { token: 'x', client_id: 'cli' }),
      await request('GET', `${app.url}/v1/me`, { token: access_token }),
      await request('GET', `${app.url}/v1/me`),
      await request('POST', `${app.url}/v1/users`, { body: 'not json', headers: { 'content-type': 'text/plain' } }),
      await request('GET', `${app.url}/v1/no-such-thing`),
    ];
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 400, 401, 200, 200, 401, 415, 404],
    );
    for (const res of responses) assert.equal(res.headers.get('cache-control'), 'no-store', res.text);
  });

  it('serves /docs with a CSP that lets swagger-ui load its own assets and nothing else', async () => {
    const page = await request('GET', `${app.url}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = cspOf(page);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), ["'self'"], 'no inline script, no eval');
    assert.deepEqual(csp.get('style-src'), ["'self'", "'unsafe-inline'"]);
    assert.deepEqual(csp.get('img-src'), ["'self'", 'data:']);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
    assert.ok(!/<script>/.test(page.text), 'every script is an external file, allowed by script-src self');
    const assets = [...page.text.matchAll(/<(?:script|link)[^>]+(?:src|href)=["']([^"']+)["']/g)].map(
      (m) => new URL(m[1], `${app.url}/docs`),
    );
    assert.ok(assets.length >= 4, `assets: ${assets.join(', ')}`);
    for (const url of assets) {
      assert.equal(url.origin, app.url, `${url} is same-origin`);
      const asset = await fetch(url);
      assert.equal(asset.status, 200, url.pathname);
      const type = asset.headers.get('content-type') ?? '';
      if (url.pathname.endsWith('.js')) assert.match(type, /javascript/, url.pathname);
      if (url.pathname.endsWith('.css')) assert.match(type, /^text\/css/, url.pathname);
      await asset.arrayBuffer();
    }
    const json = await request('GET', `${app.url}/docs-json`);
    assert.equal(json.status, 200);
    assert.deepEqual(cspOf(json).get('default-src'), ["'none'"]);
    assert.equal(cspOf(json).has('script-src'), false, 'the relaxed policy is for the UI only');
  });

  it('sends no CORS headers when CORS_ORIGINS is unset', async () => {
    const origin = { origin: 'https://app.example' };
    const simple = await request('GET', `${app.url}/.well-known/jwks.json`, { headers: origin });
    assert.equal(simple.headers.get('access-control-allow-origin'), null);
    const preflight = await request('OPTIONS', `${app.url}/oauth/token`, {
      headers: { ...origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.ok(preflight.status < 500);
  });
});

describe('CORS with CORS_ORIGINS set', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ CORS_ORIGINS: 'https://app.example, https://admin.example' });
  });
  after(() => app.close());

  it('allows exactly the listed origins, without credentials mode', async () => {
    const ok = await request('GET', `${app.url}/.well-known/jwks.json`, {
      headers: { origin: 'https://admin.example' },
    });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://admin.example');
    assert.match(ok.headers.get('vary') ?? '', /origin/i);
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
    const other = await request('GET', `${app.url}/.well-known/jwks.json`, {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it("gives the edge's /oauth answers the same CORS headers @fastify/cors gives Fastify routes", async () => {
    const cors = (res: { headers: Headers }): string[] =>
      [...res.headers.entries()]
        .filter(([n]) => n.startsWith('access-control-') || n === 'vary')
        .map((e) => e.join(': '));
    for (const origin of ['https://admin.example', 'https://evil.example']) {
      const fastify = await request('GET', `${app.url}/.well-known/jwks.json`, { headers: { origin } });
      for (const path of ['/oauth/introspect', '/oauth/token', '/oauth/revoke']) {
        const edge = await postForm(`${app.url}${path}`, 'token=x', { origin });
        assert.deepEqual(cors(edge).sort(), cors(fastify).sort(), `${path} from ${origin}`);
      }
    }
  });

  it('answers preflights for the token endpoint', async () => {
    const res = await request('OPTIONS', `${app.url}/oauth/token`, {
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    const evil = await request('OPTIONS', `${app.url}/oauth/token`, {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });
});
