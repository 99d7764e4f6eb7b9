import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, HttpResult, postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createUser, login, TestClient } from '../factories';
import { eventually } from '../factories/api-keys';
import { introspectorClient } from '../factories/oauth';

/** Headers that differ between any two responses by nature. */
const PER_RESPONSE = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

function stableHeaders(res: HttpResult): Record<string, string> {
  return Object.fromEntries([...res.headers.entries()].filter(([name]) => !PER_RESPONSE.has(name)).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * POST /oauth/introspect is served by the direct lane in front of Fastify
 * (src/common/http/direct-lane.ts) when the request is plain, and by Fastify
 * otherwise. A query string is enough to send the same request to Fastify,
 * so every case below is sent both ways and must come back the same.
 */
describe('direct lane for POST /oauth/introspect', () => {
  let app: TestApp;
  let caller: TestClient;
  let token: string;

  before(async () => {
    app = await startTestApp({ RATE_LIMIT_INTROSPECT_PER_CALLER: '1000' });
    caller = await introspectorClient(app);
    token = (await login(app, await createUser(app))).access_token;
  });
  after(() => app.close());

  const served = (): number => app.started.lane.served();

  async function bothWays(body: string, headers: Record<string, string>): Promise<{ lane: HttpResult; fastify: HttpResult }> {
    const before = served();
    const lane = await postForm(`${app.url}/oauth/introspect`, body, headers);
    assert.equal(served(), before + 1, 'the plain request went by the lane');
    const fastify = await postForm(`${app.url}/oauth/introspect?via=fastify`, body, headers);
    assert.equal(served(), before + 1, 'the request with a query string went by Fastify');
    return { lane, fastify };
  }

  it('answers every case exactly as the Fastify route does: status, body and headers', async () => {
    const auth = basic(caller.clientId, caller.secret!);
    const cases: { name: string; body: string; headers: Record<string, string>; status: number }[] = [
      { name: 'active token', body: `token=${token}`, headers: auth, status: 200 },
      { name: 'garbage token', body: 'token=not-a-token', headers: auth, status: 200 },
      { name: 'hint does not matter', body: `token=${token}&token_type_hint=refresh_token`, headers: auth, status: 200 },
      { name: 'token missing', body: '', headers: auth, status: 400 },
      { name: 'parameter repeated', body: `token=${token}&token=x`, headers: auth, status: 400 },
      { name: 'broken percent-encoding', body: 'token=%zz', headers: auth, status: 400 },
      { name: 'no caller credentials', body: `token=${token}`, headers: {}, status: 401 },
      { name: 'wrong secret', body: `token=${token}`, headers: basic(caller.clientId, 'wrong'), status: 401 },
      { name: 'credentials in the form', body: `token=${token}&client_id=${caller.clientId}&client_secret=${caller.secret!}`, headers: {}, status: 200 },
    ];
    for (const c of cases) {
      const { lane, fastify } = await bothWays(c.body, c.headers);
      assert.equal(lane.status, c.status, `${c.name}: ${lane.text}`);
      assert.equal(lane.status, fastify.status, c.name);
      assert.deepEqual(lane.body, fastify.body, c.name);
      assert.deepEqual(stableHeaders(lane), stableHeaders(fastify), c.name);
      assert.match(lane.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, c.name);
    }
  });

  it('echoes a well-formed X-Request-ID and replaces a malformed one, as Fastify does', async () => {
    const auth = basic(caller.clientId, caller.secret!);
    const kept = await postForm(`${app.url}/oauth/introspect`, `token=${token}`, { ...auth, 'x-request-id': 'trace-abc_123' });
    assert.equal(kept.headers.get('x-request-id'), 'trace-abc_123');
    const replaced = await postForm(`${app.url}/oauth/introspect`, `token=${token}`, { ...auth, 'x-request-id': 'bad id!' });
    assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('leaves to Fastify what it does not take: other content types, CORS requests, oversized bodies', async () => {
    const auth = basic(caller.clientId, caller.secret!);
    const before = served();
    const json = await fetch(`${app.url}/oauth/introspect`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    assert.equal(json.status, 415);
    await json.arrayBuffer();
    const cors = await postForm(`${app.url}/oauth/introspect`, `token=${token}`, { ...auth, origin: 'https://elsewhere.example' });
    assert.equal(cors.status, 200);
    const huge = await postForm(`${app.url}/oauth/introspect`, `token=${'x'.repeat(app.config.bodyLimitBytes)}`, auth);
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error, 'invalid_request');
    assert.equal(served(), before, 'none of them went by the lane');
  });

  it('audits a failed caller with the request id, IP and user agent of the request', async () => {
    const res = await postForm(`${app.url}/oauth/introspect`, `token=${token}`, { authorization: 'Bearer nope', 'x-request-id': 'lane-audit-1', 'user-agent': 'lane-test/1' });
    assert.equal(res.status, 401);
    const rows = await auditRows(app, `event_type = 'introspection.unauthorized' AND request_id = $1`, ['lane-audit-1']);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].user_agent, 'lane-test/1');
    assert.match(rows[0].ip ?? '', /127\.0\.0\.1/);
  });
});

describe('direct lane: rate limits and proxies', () => {
  let app: TestApp;
  let caller: TestClient;

  before(async () => {
    app = await startTestApp({ RATE_LIMIT_INTROSPECT_PER_CALLER: '3', TRUST_PROXY: 'true' });
    caller = await introspectorClient(app);
  });
  after(() => app.close());

  it('applies the per-caller budget and answers 429 with Retry-After', async () => {
    const auth = basic(caller.clientId, caller.secret!);
    const before = app.started.lane.served();
    const statuses: number[] = [];
    let last: HttpResult | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await postForm(`${app.url}/oauth/introspect`, 'token=x', auth);
      statuses.push(last.status);
    }
    assert.equal(app.started.lane.served(), before + 4);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.equal(last!.body.error, 'rate_limited');
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    // Audited after the response (RateLimitRecorder), so it may land a moment later.
    const audited = async (): Promise<number> => (await auditRows(app, `event_type = 'rate_limit.exceeded' AND details->>'group' = 'introspect'`, [])).length;
    await eventually(async () => (await audited()) > 0, 5_000);
    assert.equal(await audited(), 1, 'the block that started is audited once');
  });

  it('takes the client IP from X-Forwarded-For when TRUST_PROXY is on, as Fastify does', async () => {
    const res = await postForm(`${app.url}/oauth/introspect`, 'token=x', { authorization: 'Bearer nope', 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'lane-xff-1' });
    assert.equal(res.status, 401);
    const rows = await auditRows(app, `request_id = $1`, ['lane-xff-1']);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].ip, '203.0.113.7');
  });
});
