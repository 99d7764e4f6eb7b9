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
}

const kidOf = (jwt: string): string => (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

describe('signing keys API', () => {
  let app: TestApp;
  let admin: { token: string; user: { id: string } };
  before(async () => {
    app = await startTestApp();
    admin = await adminSession(app);
  });
  after(() => app.close());

  const url = (path: string): string => `${app.url}/v1${path}`;

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
    const res = await request<{ items: Key[]; next_cursor: string | null }>('GET', url('/signing-keys'), { token: admin.token });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.length >= 1);
    for (const key of res.body.items) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'created_at', 'kid', 'state']);
      assert.ok(['active', 'retiring'].includes(key.state));
      assert.match(key.created_at, /Z$/);
    }
    assert.equal(res.body.items.filter((k) => k.state === 'active').length, 1);
    assert.ok(res.body.items.some((k) => k.kid === kidOf(admin.token)));
    const times = res.body.items.map((k) => Date.parse(k.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.doesNotMatch(res.text, /"(d|p|q|dp|dq|qi|private\w*)"/);
    assertProblem(await request('GET', url('/signing-keys?limit=0'), { token: admin.token }), 400);
    assertProblem(await request('GET', url('/signing-keys?cursor=bm9wZQ'), { token: admin.token }), 400);
  });

  it('rotates: new tokens carry the new kid, old tokens still verify, JWKS lists both', async () => {
    const oldToken = admin.token;
    const oldKid = kidOf(oldToken);
    const res = await request<Key>('POST', url('/signing-keys/rotate'), { token: admin.token });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['alg', 'created_at', 'kid', 'state']);
    assert.equal(res.body.state, 'active');
    assert.equal(res.body.alg, 'RS256');
    assert.notEqual(res.body.kid, oldKid);

    const fresh = await adminSession(app);
    assert.equal(kidOf(fresh.token), res.body.kid);
    assert.equal((await request('GET', url('/roles'), { token: oldToken })).status, 200, 'a token of the old key still works');
    assert.equal((await request('GET', url('/roles'), { token: fresh.token })).status, 200);

    const jwks = await request<{ keys: { kid: string; d?: string }[] }>('GET', `${app.url}/.well-known/jwks.json`);
    const kids = jwks.body.keys.map((k) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(res.body.kid), kids.join(','));
    assert.ok(jwks.body.keys.every((k) => k.d === undefined));
    const remote = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
    for (const token of [oldToken, fresh.token]) {
      const { protectedHeader } = await jwtVerify(token, remote, { issuer: app.config.issuer, typ: 'at+jwt' });
      assert.ok([oldKid, res.body.kid].includes(protectedHeader.kid!));
    }

    const list = await request<{ items: Key[] }>('GET', url('/signing-keys'), { token: fresh.token });
    assert.equal(list.body.items[0].kid, res.body.kid);
    assert.equal(list.body.items.find((k) => k.kid === oldKid)?.state, 'retiring');
    assert.equal(list.body.items.filter((k) => k.state === 'active').length, 1);

    const [row] = await auditRows(app, `event_type = 'signing_key.rotated' AND subject_id = $1`, [res.body.kid]);
    assert.deepEqual([row.outcome, row.actor_type, row.actor_id], ['success', 'user', admin.user.id]);
  });

  it('lets a client token with the permission rotate without MFA, and pages the list', async () => {
    const machine = await clientSessionWith(app, ['signing_keys:write']);
    const res = await request<Key>('POST', url('/signing-keys/rotate'), { token: machine.token });
    assert.equal(res.status, 201, res.text);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof request<{ items: Key[]; next_cursor: string | null }>>> = await request('GET', url(`/signing-keys?limit=1${cursor ? `&cursor=${cursor}` : ''}`), {
        token: machine.token,
      });
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 1);
      seen.push(...page.body.items.map((k) => k.kid));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.equal(seen[0], res.body.kid);
    assert.ok(seen.length >= 3, 'the two rotations left at least three verifying keys');
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await request('GET', url('/roles'), { token: machine.token })).status, 403, 'still only its own permission');
  });
});
