import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, auditRows } from '../factories';
import { assertProblem, clientSessionWith, sessionWith } from '../factories/admin';

interface Key {
  kid: string;
  alg: string;
  state: string;
  created_at: string;
  activates_at: string;
}

const kidOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('signing keys API', () => {
  let app: TestApp;
  let admin: { token: string; user: { id: string } };
  before(async () => {
    app = await startTestApp();
    admin = await adminSession(app);
  });
  after(() => app.close());

  const url = (path: string): string => `${app.url}/v1${path}`;
  const list = async (token = admin.token): Promise<Key[]> => {
    const res = await request<{ items: Key[] }>('GET', url('/signing-keys?limit=100'), { token });
    assert.equal(res.status, 200, res.text);
    return res.body.items;
  };
  const jwks = async (): Promise<{ kids: string[]; cacheControl: string | null }> => {
    const res = await request<{ keys: { kid: string; d?: string }[] }>('GET', `${app.url}/.well-known/jwks.json`);
    assert.ok(res.body.keys.every((k) => k.d === undefined));
    return { kids: res.body.keys.map((k) => k.kid), cacheControl: res.headers.get('cache-control') };
  };
  const rotate = (body: unknown, token = admin.token) =>
    request<Key>('POST', url('/signing-keys/rotate'), { token, json: body });

  it('needs signing_keys:write, with MFA for user tokens even to list', async () => {
    assertProblem(await request('GET', url('/signing-keys')), 401, 'unauthorized');
    assertProblem(await request('POST', url('/signing-keys/rotate')), 401);
    const reader = await sessionWith(app, ['roles:read', 'audit:read']);
    assertProblem(await request('GET', url('/signing-keys'), { token: reader.token }), 403, 'forbidden');
    assertProblem(await request('POST', url('/signing-keys/rotate'), { token: reader.token }), 403, 'forbidden');
    const noOtp = await sessionWith(app, ['signing_keys:write'], { mfa: false });
    assertProblem(await request('GET', url('/signing-keys'), { token: noOtp.token }), 403, 'mfa_required');
    assertProblem(await request('POST', url('/signing-keys/rotate'), { token: noOtp.token }), 403, 'mfa_required');
  });

  it('lists public metadata only, one active key, newest first', async () => {
    const res = await request<{ items: Key[]; next_cursor: string | null }>('GET', url('/signing-keys'), {
      token: admin.token,
    });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.length >= 1);
    for (const key of res.body.items) {
      assert.deepEqual(Object.keys(key).sort(), ['activates_at', 'alg', 'created_at', 'kid', 'state']);
      assert.ok(['next', 'active', 'retiring'].includes(key.state));
      assert.match(key.created_at, /Z$/);
      assert.match(key.activates_at, /Z$/);
    }
    assert.equal(res.body.items.filter((k) => k.state === 'active').length, 1);
    assert.ok(res.body.items.some((k) => k.kid === kidOf(admin.token)));
    const times = res.body.items.map((k) => Date.parse(k.created_at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.doesNotMatch(res.text, /"(d|p|q|dp|dq|qi|private\w*)"/);
    assertProblem(await request('GET', url('/signing-keys?limit=0'), { token: admin.token }), 400);
    assertProblem(await request('GET', url('/signing-keys?cursor=bm9wZQ'), { token: admin.token }), 400);
  });

  it('rejects a bad activate_in_seconds with a validation problem', async () => {
    for (const value of [-1, 1.5, '10', 86_401, true]) {
      const res = await rotate({ activate_in_seconds: value });
      assert.equal(res.status, 400, `${JSON.stringify(value)}: ${res.text}`);
    }
  });

  it('rotates in two steps: published at once, signs from activates_at, the old key then retires', async () => {
    const oldToken = admin.token;
    const oldKid = kidOf(oldToken);
    const before = await jwks();
    // JWKS is never cached longer than the activation delay (600 s by default here).
    const maxAge = Number(/max-age=(\d+)/.exec(before.cacheControl ?? '')?.[1]);
    assert.ok(maxAge >= 0 && maxAge <= app.config.signingKeyActivationSeconds, String(before.cacheControl));

    const started = Date.now();
    const res = await rotate({ activate_in_seconds: 2 });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['activates_at', 'alg', 'created_at', 'kid', 'state']);
    assert.equal(res.body.state, 'next');
    assert.equal(res.body.alg, 'RS256');
    assert.notEqual(res.body.kid, oldKid);
    const activatesAt = Date.parse(res.body.activates_at);
    assert.ok(Math.abs(activatesAt - (started + 2_000)) < 1_500, res.body.activates_at);

    // Step 1: the new key is in JWKS, but the old one still signs.
    assert.ok((await jwks()).kids.includes(res.body.kid));
    const meanwhile = await adminSession(app);
    if (Date.now() < activatesAt)
      assert.equal(kidOf(meanwhile.token), oldKid, 'a next key must not sign before activates_at');
    const pending = await list();
    if (Date.now() < activatesAt) {
      assert.equal(pending.find((k) => k.kid === res.body.kid)?.state, 'next');
      assert.equal(pending.find((k) => k.kid === oldKid)?.state, 'active');
    }

    // Step 2: from activates_at on, without any further call, the new key signs.
    await sleep(Math.max(0, activatesAt - Date.now()) + 200);
    const fresh = await adminSession(app);
    assert.equal(kidOf(fresh.token), res.body.kid);
    const after = await list(fresh.token);
    assert.equal(after.find((k) => k.kid === res.body.kid)?.state, 'active');
    assert.equal(after.find((k) => k.kid === oldKid)?.state, 'retiring');
    assert.equal(after.filter((k) => k.state === 'active').length, 1);

    // The retiring key still verifies here and at a stock JOSE resource server.
    assert.equal(
      (await request('GET', url('/roles'), { token: oldToken })).status,
      200,
      'a token of the old key still works',
    );
    assert.equal((await request('GET', url('/roles'), { token: fresh.token })).status, 200);
    const remote = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
    for (const token of [oldToken, meanwhile.token, fresh.token]) {
      const { protectedHeader } = await jwtVerify(token, remote, { issuer: app.config.issuer, typ: 'at+jwt' });
      assert.ok([oldKid, res.body.kid].includes(protectedHeader.kid!));
    }

    const [row] = await auditRows(app, `event_type = 'signing_key.rotated' AND subject_id = $1`, [res.body.kid]);
    assert.deepEqual([row.outcome, row.actor_type, row.actor_id], ['success', 'user', admin.user.id]);
    assert.equal((row.details as Record<string, unknown>).activate_in_seconds, 2);
    admin = fresh;
  });

  it('activate_in_seconds null means the default delay (never a 500)', async () => {
    const res = await rotate({ activate_in_seconds: null });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'next');
    assert.ok(Date.parse(res.body.activates_at) - Date.now() > (app.config.signingKeyActivationSeconds - 60) * 1000);
  });

  it('activate_in_seconds 0 (compromised key) signs at once', async () => {
    const res = await rotate({ activate_in_seconds: 0 });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'active');
    const fresh = await adminSession(app);
    assert.equal(kidOf(fresh.token), res.body.kid);
    admin = fresh;
  });

  it('lets a client token with the permission rotate without MFA, and pages the list', async () => {
    const machine = await clientSessionWith(app, ['signing_keys:write']);
    const res = await rotate({}, machine.token);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'next', 'the default activation delay applies');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof request<{ items: Key[]; next_cursor: string | null }>>> = await request(
        'GET',
        url(`/signing-keys?limit=1${cursor ? `&cursor=${cursor}` : ''}`),
        { token: machine.token },
      );
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 1);
      seen.push(...page.body.items.map((k) => k.kid));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.equal(seen[0], res.body.kid);
    assert.ok(seen.length >= 3, 'the rotations left at least three published keys');
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(
      (await request('GET', url('/roles'), { token: machine.token })).status,
      403,
      'still only its own permission',
    );
    // Leave a key that signs now for the other suites sharing the database.
    assert.equal((await rotate({ activate_in_seconds: 0 }, machine.token)).status, 201);
  });
});
