import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { basic } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createUser, login, TestClient } from '../factories';
import { eventually } from '../factories/api-keys';
import { introspectorClient } from '../factories/oauth';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Headers that differ between any two responses by nature (time, connection, fresh ids, a clock second). */
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive', 'retry-after', 'content-length']);
const ADAPTER = 'x-test-adapter';

/** A request exactly as given: no header added (fetch would add a content type, an accept, a user agent). */
function send(url: string, path: string, headers: Record<string, string>, body: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function comparable(res: Raw, idGiven: boolean): Record<string, unknown> {
  const headers = Object.entries(res.headers).filter(
    ([name]) => !PER_RESPONSE.has(name) && (idGiven || name !== 'x-request-id'),
  );
  return {
    status: res.status,
    headers: Object.fromEntries(headers.sort(([a], [b]) => a.localeCompare(b))),
    // A granted token is new on every request, whichever adapter issued it.
    text: res.text.replace(/"access_token":"[^"]+"/, '"access_token":"(issued)"'),
  };
}

/**
 * Every /oauth/* route goes through the one protocol edge (src/oauth/edge);
 * the node:http lane and Fastify are only its two adapters. The test app lets
 * a request header choose the adapter (CreateAppOptions.laneTakes, a test-only
 * option), and each generated request is sent both ways: same status, same
 * headers, same body.
 */
describe('protocol edge: both adapters answer alike (property)', () => {
  let app: TestApp;
  let caller: TestClient;
  let token: string;

  before(async () => {
    app = await startTestApp(
      { CORS_ORIGINS: 'https://app.example', RATE_LIMIT_INTROSPECT_PER_CALLER: '1000000' },
      { laneTakes: (req) => req.headers[ADAPTER] !== 'fastify' },
    );
    caller = await introspectorClient(app);
    token = (await login(app, await createUser(app))).access_token;
  });
  after(() => app.close());

  async function bothWays(path: string, headers: Record<string, string>, body: string): Promise<[Raw, Raw]> {
    const taken = app.started.lane.served();
    const lane = await send(app.url, path, { ...headers, [ADAPTER]: 'lane' }, body);
    assert.equal(app.started.lane.served(), taken + 1, 'went by the lane');
    const fastify = await send(app.url, path, { ...headers, [ADAPTER]: 'fastify' }, body);
    assert.equal(app.started.lane.served(), taken + 1, 'went by Fastify');
    return [lane, fastify];
  }

  it('for generated requests: valid, malformed, oversized, wrong type, CORS, any credentials', async () => {
    const credentials = fc.constantFrom<() => Record<string, string>>(
      () => basic(caller.clientId, caller.secret!),
      () => basic(caller.clientId, 'wrong'),
      () => ({ authorization: 'Basic !!!' }),
      () => ({ authorization: `Bearer ${token}` }),
      () => ({ 'x-api-key': 'ak_garbage' }),
      () => ({}),
    );
    const form = fc.oneof(
      fc.constantFrom(
        'token=TOKEN',
        'token=not-a-token',
        'token=TOKEN&token_type_hint=refresh_token',
        '',
        'token=%zz',
        'token=a&token=b',
      ),
      fc.constantFrom(
        'grant_type=client_credentials',
        'grant_type=password&username=u&password=p',
        'grant_type=nope',
        'grant_type=',
      ),
      fc.constantFrom(`token=TOKEN&client_id=CID&client_secret=SECRET`, 'token=TOKEN&client_id=cli', 'client_secret=x'),
      fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
      fc.constant(`token=${'x'.repeat(11_000)}`),
    );
    const type = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/json',
      'text/plain',
      undefined,
    );
    const origin = fc.constantFrom('https://app.example', 'https://evil.example', undefined);
    const requestId = fc.constantFrom('trace-abc_123', 'bad id!', undefined);
    const path = fc.constantFrom('/oauth/introspect', '/oauth/revoke', '/oauth/token');
    await fc.assert(
      fc.asyncProperty(path, credentials, form, type, origin, requestId, async (p, auth, f, t, o, id) => {
        const headers: Record<string, string> = { ...auth() };
        if (t !== undefined) headers['content-type'] = t;
        if (o !== undefined) headers.origin = o;
        if (id !== undefined) headers['x-request-id'] = id;
        const body = f.replace(/TOKEN/g, token).replace('CID', caller.clientId).replace('SECRET', caller.secret!);
        const [lane, fastify] = await bothWays(p, headers, body);
        assert.deepEqual(
          comparable(lane, id === 'trace-abc_123'),
          comparable(fastify, id === 'trace-abc_123'),
          `${p} ${body.slice(0, 60)}`,
        );
        assert.ok(lane.status < 500, lane.text);
        assert.equal(lane.headers['cache-control'], 'no-store');
      }),
      { numRuns: 120 },
    );
  });
});

describe('protocol edge: rate limits, audit context and proxies on both adapters', () => {
  let app: TestApp;
  let caller: TestClient;

  before(async () => {
    app = await startTestApp(
      { RATE_LIMIT_INTROSPECT_PER_CALLER: '3', TRUST_PROXY: 'true' },
      { laneTakes: (req) => req.headers[ADAPTER] !== 'fastify' },
    );
    caller = await introspectorClient(app);
  });
  after(() => app.close());

  it('applies the per-caller budget across both adapters and answers 429 alike, with Retry-After', async () => {
    const auth = basic(caller.clientId, caller.secret!);
    const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push(
        (await send(app.url, '/oauth/introspect', { ...form, [ADAPTER]: i % 2 ? 'fastify' : 'lane' }, 'token=x'))
          .status,
      );
    const lane = await send(app.url, '/oauth/introspect', { ...form, [ADAPTER]: 'lane' }, 'token=x');
    const fastify = await send(app.url, '/oauth/introspect', { ...form, [ADAPTER]: 'fastify' }, 'token=x');
    assert.deepEqual([...statuses, lane.status, fastify.status], [200, 200, 200, 429, 429]);
    assert.deepEqual(comparable(lane, false), comparable(fastify, false));
    assert.equal(JSON.parse(lane.text).error, 'rate_limited');
    assert.ok(Number(lane.headers['retry-after']) > 0 && Number(fastify.headers['retry-after']) > 0);
    const audited = async (): Promise<number> =>
      (await auditRows(app, `event_type = 'rate_limit.exceeded' AND details->>'group' = 'introspect'`, [])).length;
    await eventually(async () => (await audited()) > 0, 5_000);
    assert.equal(await audited(), 1, 'the block that started is audited once');
  });

  it('audits a failed caller with the request id, user agent and forwarded IP, whichever adapter', async () => {
    for (const adapter of ['lane', 'fastify']) {
      const id = `edge-audit-${adapter}`;
      const headers = {
        authorization: 'Bearer nope',
        'x-request-id': id,
        'user-agent': 'edge-test/1',
        'x-forwarded-for': `203.0.113.${adapter === 'lane' ? 7 : 8}`,
      };
      const res = await send(
        app.url,
        '/oauth/introspect',
        { ...headers, 'content-type': 'application/x-www-form-urlencoded', [ADAPTER]: adapter },
        'token=x',
      );
      assert.equal(res.status, 401);
      const rows = await auditRows(app, `event_type = 'introspection.unauthorized' AND request_id = $1`, [id]);
      assert.equal(rows.length, 1, adapter);
      assert.equal(rows[0].user_agent, 'edge-test/1');
      assert.equal(rows[0].ip, `203.0.113.${adapter === 'lane' ? 7 : 8}`);
    }
  });
});
