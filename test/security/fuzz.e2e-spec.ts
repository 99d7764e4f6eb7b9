import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminSession, createClient, createUser, login, TestClient, TestUser, TokenBody } from '../factories';
import { ApiKeyBody, createApiKey } from '../factories/api-keys';
import { createRole } from '../factories/oauth';
import { TestApp } from '../support/test-app';
import { startIsolatedApp } from './support/isolated-app';
import { CORE_TABLES, Introspector, introspect, makeIntrospector, publicTables, tableCounts } from './support/fixtures';
import { Findings } from './support/findings';
import { FuzzCase, FuzzContext, fuzzRequest } from './support/fuzz-requests';
import { FuzzStats, runFuzz } from './support/fuzz-runner';
import { fetchOpenApi, Operation, operations } from './support/openapi';
import { RawClient, RawResponse } from './support/raw-http';

/**
 * Property-based fuzzing of every route in the service's own OpenAPI
 * document (so routes added later are covered without editing this file).
 * Properties, for every response: never a 5xx, the contract's error shape,
 * no internal detail, no stored secret, a valid X-Request-ID (the incoming
 * one when valid). Phase 1 has no valid credential at all: nothing under
 * /v1 may succeed and no table may change. Phase 2 sends a share of the
 * requests as an MFA admin, so the handlers behind the guard run too.
 * Afterwards every table answers a SELECT and the service still works.
 * The service runs on a database of its own, so the row counts are this
 * suite's alone. FUZZ_SEED reproduces a run (the seed is printed).
 */
describe('security: fuzzing the documented API', () => {
  const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_000);
  const CONCURRENCY = 16;
  const BODY_LIMIT = 10_240;
  // 20,000 requests at least, in two phases (~25 s on an idle 2-core machine). The cap is only a
  // safety net against a hang: the suite asserts on counts and findings, never on throughput.
  const PHASE_1 = { target: 14_000, capMs: 300_000 };
  const PHASE_2 = { target: 10_000, capMs: 300_000 };

  let app: TestApp;
  let raw: RawClient;
  let ops: Operation[];
  let caller: Introspector;
  let admin: { user: TestUser; token: string };
  let plain: TestUser;
  let plainTokens: TokenBody;
  let plainKey: ApiKeyBody;
  let victimKey: ApiKeyBody;
  let victimClient: TestClient;
  let ids: string[];
  let secrets: string[];
  const stats: FuzzStats[] = [];

  before(async () => {
    app = await startIsolatedApp({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
    raw = new RawClient(app.url, CONCURRENCY);
    ops = operations(await fetchOpenApi(app.url));
    caller = await makeIntrospector(app);
    admin = await adminSession(app);
    plain = await createUser(app, { roles: ['reader'] });
    plainTokens = await login(app, plain);
    plainKey = await createApiKey(
      app,
      { token: admin.token },
      { name: 'plain key', owner_type: 'user', owner_id: plain.id, scope: 'users:read' },
    );
    // Objects the admin phase may change or delete: real ids make handlers go past their 404s.
    const victim = await createUser(app);
    victimClient = await createClient(app, { roles: [await createRole(app, ['users:read'])] });
    victimKey = await createApiKey(app, { token: admin.token }, { name: 'victim key', scope: 'users:read' });
    ids = [
      victim.id,
      victimClient.clientId,
      victimClient.id,
      victimKey.id,
      await createRole(app, ['users:read']),
      'reader',
    ];
    secrets = [
      admin.user.password,
      admin.user.totpSecret!,
      admin.token,
      plain.password,
      plainTokens.access_token,
      plainTokens.refresh_token!,
    ];
    secrets.push(plainKey.key, victimKey.key, caller.secret, victimClient.secret!);
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} reproduces it); ${ops.length} documented operations`);
  });
  after(async () => {
    raw.close();
    await app.close();
  });

  function context(adminToken?: string): FuzzContext {
    const credentials = [plainTokens.access_token, plainTokens.refresh_token!, plainKey.key];
    if (adminToken) credentials.push(adminToken, victimKey.key);
    return {
      ops,
      ids,
      credentials,
      clientIds: [app.config.bootstrapClientId, victimClient.clientId],
      bodyLimit: BODY_LIMIT,
      adminToken,
      // Rotating signing keys costs an RSA key generation on the event loop per call and grows
      // JWKS without bound: exercised by its own suite, not thousands of times here.
      // The revocation stream never ends by design: an answer the fuzzer would wait for forever.
      adminExcluded: (o) => o.path === '/v1/signing-keys/rotate' || o.path === '/oauth/revocations/stream',
    };
  }

  /** Checks one outcome against the contract and the phase's own invariants. */
  function observer(findings: Findings, phase: 1 | 2): (c: FuzzCase, outcome: RawResponse | Error, ms: number) => void {
    return (c, outcome, ms) => {
      const label =
        `${c.method} ${c.path.slice(0, 120)} headers=${JSON.stringify(c.headers).slice(0, 200)} ` +
        `body=${(c.body ?? '').slice(0, 200)}`;
      if (outcome instanceof Error) {
        // The server may drop a connection while an oversized body is still arriving (after its 413).
        if ((c.body?.length ?? 0) <= BODY_LIMIT)
          findings.record(`${c.method} ${c.route}: transport error ${outcome.message.slice(0, 80)}`, label);
        return;
      }
      const path = c.path.split('?')[0];
      const ok = outcome.status >= 200 && outcome.status < 300;
      const extra: (string | null)[] = [ms > 10_000 ? `took ${ms} ms` : null];
      if (phase === 1 && ok && path.startsWith('/v1')) extra.push('success on /v1 without a valid credential');
      if (phase === 1 && ok && path === '/oauth/introspect')
        extra.push('introspection answered an unauthenticated caller');
      if (phase === 1 && outcome.status === 200 && path === '/oauth/token')
        extra.push('a token was issued to garbage credentials');
      if (outcome.status === 200 && path === '/oauth/introspect') {
        const active = (outcome.body as { active?: unknown } | undefined)?.active;
        if (typeof active !== 'boolean') extra.push('introspection answer without a boolean `active`');
        if (active === false && outcome.text !== '{"active":false}')
          extra.push('inactive answer is not exactly {"active":false}');
      }
      findings.checkOn(
        c.route,
        label,
        { method: c.method, path: c.path, requestId: c.headers['x-request-id'], echo: c.echo },
        outcome,
        ...extra,
      );
    };
  }

  it(`phase 1: ${PHASE_1.target} requests without valid credentials change nothing and keep the contract`, async () => {
    const before = await tableCounts(app);
    const findings = new Findings(() => secrets);
    const s = await runFuzz(raw, {
      arbitrary: fuzzRequest(context()),
      seed: SEED,
      ...PHASE_1,
      concurrency: CONCURRENCY,
      observe: observer(findings, 1),
    });
    stats.push(s);
    console.log(
      `phase 1: ${s.sent} requests in ${s.elapsedMs} ms, statuses ${JSON.stringify(s.byStatus)}, ` +
        `transport errors ${s.transportErrors}`,
    );
    findings.assertNone();
    // Failed logins are audited, nothing else may move; the chain's seals and checkpoints follow the audit rows.
    const now = await tableCounts(app);
    const audit = new Set(['audit_events', 'audit_seals', 'audit_checkpoints']);
    for (const t of Object.keys(before).filter((t) => !audit.has(t))) {
      assert.equal(now[t], before[t], `unauthenticated fuzzing changed the row count of ${t}`);
    }
    assert.ok(s.sent >= PHASE_1.target, `only ${s.sent} of ${PHASE_1.target} requests within ${PHASE_1.capMs} ms`);
  });

  it(`phase 2: ${PHASE_2.target} requests, most of them as an MFA admin`, async () => {
    const findings = new Findings(() => secrets);
    const s = await runFuzz(raw, {
      arbitrary: fuzzRequest(context(admin.token)),
      seed: SEED + 7_777,
      ...PHASE_2,
      concurrency: CONCURRENCY,
      observe: observer(findings, 2),
    });
    stats.push(s);
    console.log(
      `phase 2: ${s.sent} requests (${s.admin} as admin) in ${s.elapsedMs} ms, ` +
        `statuses ${JSON.stringify(s.byStatus)}, transport errors ${s.transportErrors}`,
    );
    findings.assertNone();
    assert.ok(s.admin > s.sent / 4, 'too few admin requests to exercise the handlers');
    const reachedHandlers = Object.entries(s.byStatus).some(
      ([status, n]) => ['200', '201', '204'].includes(status) && n > 50,
    );
    assert.ok(reachedHandlers, 'the admin share never got past validation');
    assert.ok(s.sent >= PHASE_2.target, `only ${s.sent} of ${PHASE_2.target} requests within ${PHASE_2.capMs} ms`);
  });

  it('afterwards: at least 20,000 requests, every table answers, the service still works', async () => {
    const total = stats.reduce((n, s) => n + s.sent, 0);
    const ms = stats.reduce((n, s) => n + s.elapsedMs, 0);
    console.log(`fuzz total: ${total} requests in ${ms} ms (${Math.round((total * 1000) / Math.max(ms, 1))}/s)`);
    assert.ok(total >= 20_000, `only ${total} requests`);
    const tables = await publicTables(app);
    for (const t of CORE_TABLES) assert.ok(tables.includes(t), `table ${t} is gone`);
    await tableCounts(app); // a SELECT on every table
    assert.equal((await raw.send({ method: 'GET', path: '/health/ready' })).status, 200);
    const fresh = await login(app, plain);
    assert.equal(((await introspect(app, caller, fresh.access_token)).body as { active?: unknown }).active, true);
    assert.equal(
      (
        await raw.send({
          method: 'GET',
          path: '/v1/users?limit=1',
          headers: { authorization: `Bearer ${admin.token}` },
        })
      ).status,
      200,
    );
  });
});
