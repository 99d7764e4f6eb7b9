import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Database } from '../../src/database/database.service';
import { adminSession, createClient, createUser, login, TestClient, TestUser, TokenBody } from '../factories';
import { createApiKey } from '../factories/api-keys';
import { createRole } from '../factories/oauth';
import { TestApp } from '../support/test-app';
import { startIsolatedApp } from './support/isolated-app';
import { CORE_TABLES, Introspector, makeIntrospector, publicTables, tableCounts } from './support/fixtures';
import { expectStatus, Findings } from './support/findings';
import { HOSTILE_PATH_SEGMENTS, HOSTILE_STRINGS } from './support/hostile';
import { baselineBody, fetchOpenApi, fillPath, Operation, operations, stringFields } from './support/openapi';
import { runPool } from './support/pool';
import {
  basicAuth,
  FORM,
  formBody,
  isHeaderSafe,
  JSON_TYPE,
  pct,
  RawClient,
  RawRequest,
  RawResponse,
} from './support/raw-http';

/**
 * Injection into every string field: SQL, NUL and control characters,
 * Unicode tricks, templates, traversal and length, in each OAuth form field
 * and in each /v1 JSON field, path id and query parameter the OpenAPI
 * document lists. Whatever the input: never a 5xx, always the contract's
 * error shape, never an internal detail, never a stored secret, no
 * time-based SQL effect, and every table intact afterwards.
 */
describe('security: injection in every string field', () => {
  let app: TestApp;
  let raw: RawClient;
  let caller: Introspector;
  let admin: { user: TestUser; token: string };
  let victim: TestUser;
  let mfaVictim: TestUser;
  let service: TestClient;
  let victimTokens: TokenBody;
  let ops: Operation[];
  let realIds: Record<string, string>;
  let countsBefore: Record<string, number>;
  const MAX_MS = 8_000; // the time-based payload sleeps 10 s if it ever reaches SQL
  const CONCURRENCY = 8;
  // Errors may name what was sent ("unknown role: <name>"): not a leak.
  const ECHO = HOSTILE_STRINGS.map(([, s]) => s);

  const secrets = (): string[] => [
    victim.password,
    mfaVictim.password,
    service.secret!,
    caller.secret,
    admin.user.password,
    victimTokens.refresh_token!,
  ];
  let findings: Findings;
  beforeEach(() => {
    findings = new Findings(secrets);
  });

  before(async () => {
    // Lockout high: the injected passwords and otps count as failed attempts on purpose.
    // Hundreds of concurrent logins from one IP: a long login-queue bound keeps its 503 (tested in login-queue) out.
    app = await startIsolatedApp({ LOCKOUT_MAX_ATTEMPTS: '100', LOGIN_QUEUE_MAX_WAIT_MS: '60000' });
    raw = new RawClient(app.url, CONCURRENCY);
    caller = await makeIntrospector(app);
    admin = await adminSession(app);
    victim = await createUser(app, { roles: ['reader'] });
    mfaVictim = await createUser(app, { mfa: true });
    victimTokens = await login(app, victim);
    service = await createClient(app, { roles: [await createRole(app, ['users:read'])] });
    ops = operations(await fetchOpenApi(app.url));
    // Real objects for the ids of a path, so body injection reaches the handler rather than a 404.
    const sacrificial = await createUser(app);
    const key = await createApiKey(app, { token: admin.token }, { name: 'injection target' });
    realIds = {
      '/v1/users/{id}': sacrificial.id,
      '/v1/api-keys/{id}': key.id,
      '/v1/roles/{name}': await createRole(app, []),
      '/v1/clients/{client_id}': service.clientId,
    };
    countsBefore = await tableCounts(app);
  });
  after(async () => {
    raw.close();
    await app.close();
  });

  /** Sends, times and checks one request; returns the response for extra checks. */
  async function send(
    label: string,
    req: RawRequest,
    ...expect: ((res: RawResponse) => string | null)[]
  ): Promise<void> {
    const started = Date.now();
    const res = await raw.send(req);
    const ms = Date.now() - started;
    findings.check(
      label,
      { ...req, echo: ECHO },
      res,
      ms < MAX_MS ? null : `took ${ms} ms (time-based injection?)`,
      ...expect.map((e) => e(res)),
    );
  }

  const form = (path: string, params: Record<string, string>, headers: Record<string, string> = {}): RawRequest => ({
    method: 'POST',
    path,
    headers: { 'content-type': FORM, ...headers },
    body: formBody(params),
  });
  const isBlank = (s: string): boolean => s.trim() === '';

  it('POST /oauth/token: grant_type, client_id/secret, username, password, scope, otp, refresh_token', async () => {
    const right = {
      grant_type: 'password',
      client_id: app.config.bootstrapClientId,
      username: victim.username,
      password: victim.password,
    };
    const cc = { grant_type: 'client_credentials', client_id: service.clientId, client_secret: service.secret! };
    const cases: [string, Record<string, string>, string, number[]][] = [];
    for (const [name, s] of HOSTILE_STRINGS) {
      cases.push([`grant_type ${name}`, { ...right, grant_type: s }, name, [400]]);
      cases.push([`client_id ${name}`, { ...right, client_id: s }, name, [400, 401]]);
      cases.push([`username ${name}`, { ...right, username: s }, name, [400]]);
      cases.push([`password ${name}`, { ...right, password: s }, name, [400]]);
      // A blank scope means "everything the principal holds" (no scope requested).
      cases.push([`scope ${name}`, { ...right, scope: s }, name, isBlank(s) ? [200, 400] : [400]]);
      // The right password first, so the otp itself is checked ('' is a missing otp: mfa_required).
      cases.push([
        `otp ${name}`,
        { ...right, username: mfaVictim.username, password: mfaVictim.password, otp: s },
        name,
        [400, 403],
      ]);
      cases.push([`client_secret ${name}`, { ...cc, client_secret: s }, name, [400, 401]]);
      cases.push([`cc scope ${name}`, { ...cc, scope: s }, name, isBlank(s) ? [200, 400] : [400]]);
      cases.push([
        `refresh_token ${name}`,
        { grant_type: 'refresh_token', client_id: app.config.bootstrapClientId, refresh_token: s },
        name,
        [400],
      ]);
      cases.push([
        `refresh scope ${name}`,
        { grant_type: 'refresh_token', client_id: app.config.bootstrapClientId, refresh_token: 'rt_unknown', scope: s },
        name,
        [400],
      ]);
    }
    await runPool(cases, CONCURRENCY, async ([label, params, , allowed]) => {
      await send(label, form('/oauth/token', params), (res) => expectStatus(res, allowed));
    });
    // The same strings as HTTP Basic credentials (client_secret_basic).
    await runPool(HOSTILE_STRINGS, CONCURRENCY, async ([name, s]) => {
      await send(
        `basic id ${name}`,
        form('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basicAuth(s, service.secret!) }),
        (res) => expectStatus(res, [400, 401]),
      );
      await send(
        `basic secret ${name}`,
        form('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basicAuth(service.clientId, s) }),
        (res) => expectStatus(res, [400, 401]),
      );
    });
    findings.assertNone();
  });

  it('POST /oauth/introspect: token, token_type_hint, client_id, client_secret', async () => {
    const auth = { authorization: caller.authorization };
    await runPool(HOSTILE_STRINGS, CONCURRENCY, async ([name, s]) => {
      // Any string that is not a token: exactly {"active": false} (a missing token is invalid_request).
      await send(`token ${name}`, form('/oauth/introspect', { token: s }, auth), (res) =>
        s === ''
          ? expectStatus(res, [400])
          : res.status === 200 && res.text === '{"active":false}'
            ? null
            : 'not exactly {"active":false}',
      );
      // A hint, however hostile, never changes the answer for a valid token.
      await send(
        `token_type_hint ${name}`,
        form('/oauth/introspect', { token: admin.token, token_type_hint: s }, auth),
        (res) =>
          res.status === 200 && (res.body as { active?: unknown }).active === true
            ? null
            : 'a hostile hint changed the answer',
      );
      await send(
        `client_id ${name}`,
        form('/oauth/introspect', { token: admin.token, client_id: s, client_secret: caller.secret }),
        (res) => expectStatus(res, [400, 401]),
      );
      await send(
        `client_secret ${name}`,
        form('/oauth/introspect', { token: admin.token, client_id: caller.clientId, client_secret: s }),
        (res) => expectStatus(res, [400, 401]),
      );
    });
    findings.assertNone();
  });

  it('POST /oauth/revoke: token, token_type_hint, client_id, client_secret', async () => {
    const cli = app.config.bootstrapClientId;
    await runPool(HOSTILE_STRINGS, CONCURRENCY, async ([name, s]) => {
      // RFC 7009 §2.2: 200 and an empty body for any token, known or not.
      await send(`token ${name}`, form('/oauth/revoke', { client_id: cli, token: s }), (res) =>
        s === ''
          ? expectStatus(res, [400])
          : res.status === 200 && res.text === ''
            ? null
            : 'not 200 with an empty body',
      );
      // §2.1: an unknown hint is ignored (the server searches all its token types).
      await send(
        `token_type_hint ${name}`,
        form('/oauth/revoke', { client_id: cli, token: 'rt_unknown', token_type_hint: s }),
        (res) => expectStatus(res, [200]),
      );
      await send(`client_id ${name}`, form('/oauth/revoke', { client_id: s, token: 'rt_unknown' }), (res) =>
        expectStatus(res, [400, 401]),
      );
      await send(
        `client_secret ${name}`,
        form('/oauth/revoke', { client_id: service.clientId, client_secret: s, token: 'rt_unknown' }),
        (res) => expectStatus(res, [400, 401]),
      );
    });
    findings.assertNone();
  });

  /** The path of `op` with real ids, except `override` for one parameter. */
  function pathOf(op: Operation, override?: { param: string; value: string }): string {
    const values: Record<string, string> = {};
    for (const p of op.pathParams) values[p] = pct(realIds[`${op.path.split('/{')[0]}/{${p}}`] ?? randomUUID());
    if (override) values[override.param] = override.value;
    return fillPath(op.path, values);
  }

  const v1 = (): Operation[] => ops.filter((o) => o.path.startsWith('/v1/') && o.path !== '/v1/signing-keys/rotate');
  const adminJson = (method: string, path: string, body?: unknown): RawRequest => ({
    method,
    path,
    headers: { authorization: `Bearer ${admin.token}`, ...(body === undefined ? {} : { 'content-type': JSON_TYPE }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  it('/v1 JSON bodies: every string field of every documented operation, as an MFA admin', async () => {
    const cases: [string, RawRequest][] = [];
    for (const op of v1().filter((o) => o.jsonBody)) {
      for (const f of stringFields(op.jsonBody)) {
        for (const [name, s] of HOSTILE_STRINGS) {
          const body = { ...baselineBody(op.jsonBody), [f.name]: f.array ? [s] : s };
          cases.push([`${op.method} ${op.path} ${f.name}: ${name}`, adminJson(op.method, pathOf(op), body)]);
        }
      }
    }
    assert.ok(cases.length > 100, `only ${cases.length} body cases: is the OpenAPI document complete?`);
    await runPool(cases, CONCURRENCY, ([label, req]) => send(label, req));
    findings.assertNone();
  });

  it('/v1 path ids and query parameters, as an MFA admin', async () => {
    const cases: [string, RawRequest, number[] | undefined][] = [];
    const segments: [string, string][] = [
      ...HOSTILE_STRINGS.filter(([, s]) => s !== '').map(([n, s]): [string, string] => [n, pct(s)]),
      ...HOSTILE_PATH_SEGMENTS.map((s): [string, string] => [`raw ${s}`, s]),
    ];
    for (const op of v1()) {
      const body = op.jsonBody ? baselineBody(op.jsonBody) : undefined;
      for (const param of op.pathParams) {
        for (const [name, seg] of segments) {
          // A hostile id names no object: never a success.
          cases.push([
            `${op.method} ${op.path} {${param}}: ${name}`,
            adminJson(op.method, pathOf(op, { param, value: seg }), body),
            [400, 404, 405],
          ]);
        }
      }
      for (const q of op.queryParams) {
        for (const [name, s] of HOSTILE_STRINGS) {
          cases.push([
            `${op.method} ${op.path}?${q.name}: ${name}`,
            adminJson(op.method, `${pathOf(op)}?${pct(q.name)}=${pct(s)}`, body),
            undefined,
          ]);
        }
      }
    }
    await runPool(cases, CONCURRENCY, ([label, req, allowed]) =>
      send(label, req, (res) => (allowed ? expectStatus(res, allowed) : null)),
    );
    findings.assertNone();
  });

  it('hostile credentials in Authorization and X-API-Key are a plain 401', async () => {
    // Header values cannot carry controls or non-latin1 on the wire; the others go as they are.
    const usable = HOSTILE_STRINGS.filter(([, s]) => s !== '' && isHeaderSafe(s));
    await runPool(usable, CONCURRENCY, async ([name, s]) => {
      await send(
        `bearer ${name}`,
        { method: 'GET', path: '/v1/me', headers: { authorization: `Bearer ${s}` } },
        (res) => expectStatus(res, [401]),
      );
      await send(
        `api key ${name}`,
        { method: 'GET', path: '/v1/roles', headers: { 'x-api-key': s.trim() === '' ? `ak_${s}` : s } },
        (res) => expectStatus(res, [401]),
      );
      await send(
        `introspect bearer ${name}`,
        form('/oauth/introspect', { token: admin.token }, { authorization: `Bearer ${s}` }),
        (res) => expectStatus(res, [401]),
      );
    });
    findings.assertNone();
  });

  it('afterwards every table is intact and the service still works', async () => {
    const tables = await publicTables(app);
    for (const t of CORE_TABLES) assert.ok(tables.includes(t), `table ${t} is gone`);
    const counts = await tableCounts(app);
    // Nothing the attacks sent may delete rows (creates with hostile but valid text may add some).
    for (const t of CORE_TABLES)
      assert.ok(counts[t] >= countsBefore[t], `rows of ${t} disappeared: ${countsBefore[t]} -> ${counts[t]}`);
    // No secret the attacks carried ended up in an audit row (details are never a password, token or key).
    const audit = await app
      .get(Database)
      .query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM audit_events a');
    for (const secret of secrets())
      assert.ok(!audit.some((r) => r.row.includes(secret)), 'a secret was written to audit_events');
    // Logins, introspection and the admin API still answer normally.
    const fresh = await login(app, victim);
    assert.ok(fresh.access_token);
    const res = await raw.send(
      form('/oauth/introspect', { token: fresh.access_token }, { authorization: caller.authorization }),
    );
    assert.equal((res.body as { active?: unknown }).active, true);
    assert.equal((await raw.send(adminJson('GET', '/v1/users?limit=1'))).status, 200);
  });
});
