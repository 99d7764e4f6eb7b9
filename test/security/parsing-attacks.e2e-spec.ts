import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { adminSession, createUser, login, TestUser, unique } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';
import { assertOAuthError, assertProblem, REQUEST_ID, Res } from './support/contract';
import { expectStatus, Findings } from './support/findings';
import { MALFORMED_JSON } from './support/hostile';
import { FORM, JSON_TYPE, RawClient, RawRequest } from './support/raw-http';

/** The service's base URL, for the raw-socket helper at the end of the file. */
let appUrl = '';

/**
 * Attacks on the body parsers and the request framing (API.md conventions):
 * oversized bodies 413, deeply nested JSON, wrong content types 415,
 * repeated form parameters 400 (RFC 6749 §3.2), malformed JSON and forms
 * 400, and prototype pollution through JSON, forms and query strings.
 * Never a 5xx, always the route group's error shape.
 */
describe('security: request parsing attacks', () => {
  let app: TestApp;
  let raw: RawClient;
  let admin: { user: TestUser; token: string };
  let plain: string;
  let findings: Findings;
  let asAdmin: Record<string, string>;
  const LIMIT = 10_240;
  const OAUTH = ['/oauth/token', '/oauth/introspect', '/oauth/revoke'];

  before(async () => {
    app = await startTestApp({ BODY_LIMIT_BYTES: String(LIMIT) });
    appUrl = app.url;
    raw = new RawClient(app.url, 4);
    admin = await adminSession(app);
    asAdmin = { authorization: `Bearer ${admin.token}` };
    plain = (await login(app, await createUser(app))).access_token;
  });
  after(async () => {
    raw.close();
    await app.close();
  });
  beforeEach(() => {
    findings = new Findings();
  });

  const post = (
    path: string,
    contentType: string | undefined,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ): RawRequest => ({
    method: 'POST',
    path,
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...extra },
    body,
  });

  async function check(label: string, req: RawRequest, allowed?: number[]): Promise<Res> {
    const res = await raw.send(req);
    findings.check(label, req, res, allowed ? expectStatus(res, allowed) : null);
    return res;
  }

  it('a body over BODY_LIMIT_BYTES is 413, counted in bytes, also when chunked', async () => {
    const bigForm = `grant_type=password&username=${'a'.repeat(LIMIT * 2)}`;
    for (const path of OAUTH) {
      assertOAuthError(await check(`${path} big form`, post(path, FORM, bigForm)), 413, 'invalid_request');
      assertOAuthError(
        await check(`${path} big chunked form`, { ...post(path, FORM, bigForm), chunked: true }),
        413,
        'invalid_request',
      );
    }
    const bigJson = JSON.stringify({ name: 'x', description: 'd'.repeat(LIMIT * 2), permissions: [] });
    assertProblem(await check('big json, admin', post('/v1/roles', JSON_TYPE, bigJson, asAdmin)), 413);
    assertProblem(await check('big json, anonymous', post('/v1/users', JSON_TYPE, bigJson)), 413);
    assertProblem(
      await check('big json, chunked', { ...post('/v1/roles', JSON_TYPE, bigJson, asAdmin), chunked: true }),
      413,
    );
    // 4,000 characters but 12,000 bytes: the limit is on bytes.
    const euros = JSON.stringify({ name: 'x', description: '€'.repeat(4_000), permissions: [] });
    assertProblem(await check('multi-byte json', post('/v1/roles', JSON_TYPE, euros, asAdmin)), 413);
    // Exactly at the limit is parsed (and then refused for its content, not its size).
    const base = JSON.stringify({ name: 'x', description: '', permissions: [] });
    const atLimit = base.replace('"description":""', `"description":"${'d'.repeat(LIMIT - base.length)}"`);
    assert.equal(Buffer.byteLength(atLimit), LIMIT);
    const res = await check('json at the limit', post('/v1/roles', JSON_TYPE, atLimit, asAdmin));
    assert.notEqual(res.status, 413, 'a body of exactly BODY_LIMIT_BYTES must be read');
    findings.assertNone();
  });

  it('deeply nested JSON within the size limit is a 400, never a crash', async () => {
    const arrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const bodies: [string, string, string][] = [
      ['5,000 nested arrays as a role name', '/v1/roles', `{"name":${arrays(5_000)},"permissions":[]}`],
      ['5,000 nested arrays as the whole body', '/v1/roles', arrays(5_000)],
      ['1,650 nested objects as permissions', '/v1/roles', `{"name":"x","permissions":${objects(1_650)}}`],
      ['nested arrays in an each-validated list', '/v1/api-keys', `{"name":"k","scope":${arrays(4_000)}}`],
      ['nested objects as a user', '/v1/users', objects(1_650)],
    ];
    for (const [label, path, body] of bodies) {
      assert.ok(Buffer.byteLength(body) <= LIMIT, `${label} must fit the body limit`);
      await check(label, post(path, JSON_TYPE, body, asAdmin), [400]);
    }
    // The service still answers normally afterwards.
    assert.equal((await raw.send({ method: 'GET', path: '/v1/roles?limit=1', headers: asAdmin })).status, 200);
    findings.assertNone();
  });

  it("a content type other than the route group's is 415 in its shape", async () => {
    const others = [
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/x-www-form-urlencoded-evil',
      'x/y',
    ];
    for (const path of OAUTH) {
      for (const type of others)
        assertOAuthError(await check(`${path} as ${type}`, post(path, type, 'token=x')), 415, 'invalid_request');
      assertOAuthError(
        await check(`${path} without content type`, post(path, undefined, 'token=x')),
        415,
        'invalid_request',
      );
    }
    const notJson = [
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/xml',
      'application/jsonp',
      'text/json',
      'multipart/form-data; boundary=x',
    ];
    for (const type of notJson)
      assertProblem(
        await check(`/v1/roles as ${type}`, post('/v1/roles', type, '{"name":"x","permissions":[]}', asAdmin)),
        415,
      );
    assertProblem(
      await check(
        '/v1/roles without content type',
        post('/v1/roles', undefined, '{"name":"x","permissions":[]}', asAdmin),
      ),
      415,
    );
    // Media types are case-insensitive and may carry a charset (RFC 9110 §8.3.1): these are JSON.
    for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8', 'Application/Json;charset=UTF-8']) {
      const body = JSON.stringify({ name: unique('ct-'), permissions: [] });
      await check(`/v1/roles as ${type}`, post('/v1/roles', type, body, asAdmin), [201]);
    }
    for (const type of ['APPLICATION/X-WWW-FORM-URLENCODED', 'application/x-www-form-urlencoded; charset=UTF-8']) {
      await check(`/oauth/token as ${type}`, post('/oauth/token', type, 'grant_type=nope'), [400]);
    }
    findings.assertNone();
  });

  it('a form parameter sent twice is 400 invalid_request (RFC 6749 §3.2)', async () => {
    const cli = app.config.bootstrapClientId;
    const twice: [string, string][] = [
      ['/oauth/token', `grant_type=password&grant_type=client_credentials&client_id=${cli}`],
      ['/oauth/token', `grant_type=password&client_id=${cli}&client_id=${cli}&username=a&password=b`],
      ['/oauth/token', `grant_type=password&client_id=${cli}&username=a&username=b&password=c`],
      ['/oauth/token', `grant_type=password&client_id=${cli}&username=a&password=b&scope=users:read&scope=users:write`],
      ['/oauth/token', `grant_type=password&client_id=${cli}&client%5Fid=${cli}&username=a&password=b`],
      ['/oauth/introspect', `token=a&token=b&client_id=${cli}`],
      ['/oauth/introspect', 'token=&token='],
      ['/oauth/revoke', `token=a&token=b&client_id=${cli}`],
      ['/oauth/revoke', `token=a&client_id=${cli}&token_type_hint=access_token&token_type_hint=refresh_token`],
    ];
    for (const [path, body] of twice)
      assertOAuthError(await check(`${path} ${body}`, post(path, FORM, body)), 400, 'invalid_request');
    // The same rule for the /v1 query string.
    assertProblem(
      await check('limit twice', { method: 'GET', path: '/v1/users?limit=1&limit=2', headers: asAdmin }),
      400,
    );
    // Two Authorization or X-API-Key headers: whichever is read, never a 5xx.
    await check('two bearer headers', {
      method: 'GET',
      path: '/v1/me',
      headers: { authorization: ['Bearer garbage', `Bearer ${admin.token}`] },
    });
    await check('two api keys', { method: 'GET', path: '/v1/me', headers: { 'x-api-key': ['ak_a', 'ak_b'] } }, [401]);
    findings.assertNone();
  });

  it("malformed JSON and form bodies are 400 in the route group's shape", async () => {
    for (const body of MALFORMED_JSON)
      assertProblem(await check(`json ${body}`, post('/v1/roles', JSON_TYPE, body, asAdmin)), 400);
    assertProblem(await check('empty json body', post('/v1/roles', JSON_TYPE, '', asAdmin)), 400);
    await check(
      'BOM before JSON',
      post('/v1/roles', JSON_TYPE, `\ufeff{"name":"${unique('bom-')}","permissions":[]}`, asAdmin),
    );
    await check(
      'invalid UTF-8 in JSON',
      post(
        '/v1/roles',
        JSON_TYPE,
        Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        asAdmin,
      ),
    );
    assertProblem(
      await check(
        'lone surrogate escape',
        post('/v1/users', JSON_TYPE, '{"username":"u","password":"p","email":"\\ud800@x.io"}', asAdmin),
      ),
      400,
    );
    for (const body of ['%', 'grant_type=%E0%A4%A', 'grant_type=%ZZ', 'grant_type=password&username=%C0%AF', '%zz=1']) {
      assertOAuthError(await check(`form ${body}`, post('/oauth/token', FORM, body)), 400, 'invalid_request');
    }
    for (const body of ['&&&=', '=', '==&==', Buffer.from([0x67, 0x3d, 0xff, 0xfe])]) {
      await check(`odd form ${String(body)}`, post('/oauth/token', FORM, body), [400, 401]);
    }
    findings.assertNone();
  });

  it("Fastify's pre-hook answers keep the contract: bad URLs, long ids, oversized headers, broken HTTP", async () => {
    // Router errors: undecodable percent-encoding, on methods with and without routes.
    for (const method of ['GET', 'POST', 'OPTIONS', 'PROPFIND']) {
      for (const path of ['/%zz', '/v1/users/%', '/v1/users/%ff%fe', '/oauth/token/%'])
        await check(`${method} ${path}`, { method, path }, [400, 404, 405]);
    }
    // A path id over Fastify's maxParamLength is an unknown object, like any malformed id.
    for (const path of ['/v1/users/', '/v1/roles/', '/v1/clients/', '/v1/api-keys/']) {
      assertProblem(
        await check(`${path} long id`, { method: 'GET', path: `${path}${'a'.repeat(500)}`, headers: asAdmin }),
        404,
      );
    }
    findings.assertNone();
    // Headers over node's limit never reach Fastify's router.
    const big = await raw.send({ method: 'GET', path: '/health/live', headers: { 'x-big': 'a'.repeat(20_000) } });
    assertProblem(big, 431);
    // On /oauth/* the RFC 6749 shape, read from the request line the parser got.
    const bigOAuth = await raw.send({
      method: 'GET',
      path: '/oauth/revocations/stream',
      headers: { 'x-big': 'a'.repeat(20_000) },
    });
    assertOAuthError(bigOAuth, 431, 'invalid_request');
    // A HEAD answer carries no body: the client would read one as data after the response.
    for (const path of ['/health/live', '/v1/api-keys/', '/oauth/token']) {
      const head = await raw.send({ method: 'HEAD', path, headers: { 'x-big': 'a'.repeat(20_000) }, body: 'aaaa' });
      assert.equal(head.status, 431, `HEAD ${path}`);
      assert.equal(head.text, '', `HEAD ${path} answered with a body`);
      assert.ok(REQUEST_ID.test(head.header('x-request-id') ?? ''), `HEAD ${path} without X-Request-ID`);
    }
    // Bytes that are not HTTP at all.
    for (const garbage of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'GET /\u0000 HTTP/1.1\r\n\r\n',
    ]) {
      const answer = await rawExchange(garbage);
      assert.match(answer, /^HTTP\/1\.1 400 /, answer);
      const id = /\r\nx-request-id: ([^\r]+)\r\n/i.exec(answer)?.[1] ?? '';
      assert.ok(REQUEST_ID.test(id), `no X-Request-ID in ${JSON.stringify(answer)}`);
      assert.match(answer, /content-type: application\/problem\+json/i);
    }
  });

  it('__proto__ and constructor pollution is refused and changes nothing', async () => {
    const name = unique('proto-');
    const jsonAttacks = [
      `{"name":"${name}","permissions":[],"__proto__":{"polluted":"yes","permissions":["users:write"]}}`,
      `{"name":"${name}","permissions":[],"constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"name":"${name}","permissions":[],"description":"x","x":{"__proto__":{"polluted":"yes"}}}`,
      `{"name":"${name}","permissions":[],"\\u005f_proto__":{"polluted":"yes"}}`,
    ];
    for (const body of jsonAttacks) await check(`json ${body}`, post('/v1/roles', JSON_TYPE, body, asAdmin), [400]);
    for (const body of jsonAttacks)
      await check(`json anonymous ${body}`, post('/v1/users', JSON_TYPE, body), [400, 401]);
    const forms = [
      '__proto__[polluted]=yes&grant_type=password',
      '__proto__=x&grant_type=password',
      'constructor[prototype][polluted]=yes&grant_type=password',
      'constructor=x&prototype=y&grant_type=client_credentials',
      'hasOwnProperty=x&toString=y&valueOf=z&grant_type=password&__defineGetter__=w',
    ];
    for (const path of OAUTH)
      for (const body of forms) await check(`${path} ${body}`, post(path, FORM, body), [400, 401]);
    for (const q of ['__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', '__proto__.polluted=yes']) {
      await check(`query ${q}`, { method: 'GET', path: `/v1/users?${q}`, headers: asAdmin }, [400]);
    }
    // Nothing leaked into this process's prototypes (the service runs in it) ...
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined, 'Object.prototype was polluted');
    assert.equal(probe.permissions, undefined, 'Object.prototype was polluted');
    // ... no permission appeared, and the role was not created by the refused requests.
    assertProblem(
      await check('plain user', { method: 'GET', path: '/v1/users', headers: { authorization: `Bearer ${plain}` } }),
      403,
    );
    assertProblem(await check('role not created', { method: 'GET', path: `/v1/roles/${name}`, headers: asAdmin }), 404);
    findings.assertNone();
  });
});

/** Writes raw bytes to the service and returns everything it answers before closing. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(appUrl);
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
  });
}
