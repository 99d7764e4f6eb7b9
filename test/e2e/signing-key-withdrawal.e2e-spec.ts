import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ClientsRepository } from '../../src/clients/clients.repository';
import { TOKEN_EXCHANGE } from '../../src/clients/client.types';
import { generateSecret, sha256 } from '../../src/common/crypto/secrets';
import { Database } from '../../src/database/database.service';
import { KeyRing } from '../../src/tokens/key-ring.service';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { basic, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createClient, createUser, login, TestClient, unique } from '../factories';
import { assertProblem, clientSessionWith, sessionWith } from '../factories/admin';
import { eventually } from '../factories/api-keys';
import { introspectorClient } from '../factories/oauth';

const ISSUER = 'http://auth.signing-key-withdrawal.test';
const kidOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

interface Key {
  kid: string;
  state: string;
}
interface FeedEntry {
  kind: string;
  value: string;
  revoked_at: number;
  until: number | null;
}

/**
 * DELETE /v1/signing-keys/{kid}: a compromised key withdrawn on A is gone on
 * B within a second. Two instances on a database of their own: withdrawing a
 * key kills every token it signed, and the e2e files sharing the common
 * database hold tokens of whatever key signed when they started.
 */
describe('signing-key withdrawal across two instances (own database)', () => {
  let db: FreshDatabase;
  let a: TestApp;
  let b: TestApp;
  let inspector: TestClient;

  before(async () => {
    db = await freshDatabase();
    a = await startTestApp({ DATABASE_URL: db.url, ISSUER });
    b = await startTestApp({ DATABASE_URL: db.url, ISSUER });
    inspector = await introspectorClient(a);
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  /** A token of a client holding signing_keys:write, signed by the key that signs now. */
  const keysAdmin = async (): Promise<string> => (await clientSessionWith(a, ['signing_keys:write'])).token;
  const rotate = (token: string, seconds: number) =>
    request<Key & { activates_at: string }>('POST', `${a.url}/v1/signing-keys/rotate`, {
      token,
      json: { activate_in_seconds: seconds },
    });
  const withdraw = (app: TestApp, kid: string, token: string) =>
    request('DELETE', `${app.url}/v1/signing-keys/${encodeURIComponent(kid)}`, { token });
  const jwksKids = async (app: TestApp): Promise<string[]> =>
    (await request<{ keys: { kid: string }[] }>('GET', `${app.url}/.well-known/jwks.json`)).body.keys.map((k) => k.kid);
  const listed = async (app: TestApp, token: string): Promise<Key[]> => {
    const res = await request<{ items: Key[] }>('GET', `${app.url}/v1/signing-keys?limit=200`, { token });
    assert.equal(res.status, 200, res.text);
    return res.body.items;
  };
  const introspect = async (app: TestApp, token: string): Promise<Record<string, unknown>> =>
    (await postForm(`${app.url}/oauth/introspect`, { token }, basic(inspector.clientId, inspector.secret!))).body;
  const feed = async (app: TestApp): Promise<FeedEntry[]> => {
    const res = await request<{ items: FeedEntry[] }>('GET', `${app.url}/oauth/revocations?limit=500`, {
      headers: basic(inspector.clientId, inspector.secret!),
    });
    assert.equal(res.status, 200, res.text);
    return res.body.items;
  };
  const kidEntry = async (app: TestApp, kid: string): Promise<FeedEntry | undefined> =>
    (await feed(app)).find((e) => e.kind === 'kid' && e.value === kid);

  /** A confidential client allowed to exchange tokens for `audience`. */
  const exchanger = async (audience: string): Promise<TestClient> => {
    const clientId = unique('xchg_');
    const secret = generateSecret('cs_');
    const row = await a.get(Database).transaction((tx) =>
      a.get(ClientsRepository).insert(tx, {
        clientId,
        name: clientId,
        confidential: true,
        grantTypes: [TOKEN_EXCHANGE],
        secretHash: sha256(secret),
        roles: [],
        tokenExchangeAudiences: [audience],
      }),
    );
    return { id: row.id, clientId, secret };
  };
  const exchange = (app: TestApp, by: TestClient, subjectToken: string, audience: string) =>
    postForm(
      `${app.url}/oauth/token`,
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: subjectToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience,
      },
      basic(by.clientId, by.secret!),
    );

  it('rotate at once, withdraw the old key on A: on B within 1 s its tokens are dead and it is gone', async () => {
    const user = await createUser(a);
    const oldUserToken = (await login(b, user)).access_token;
    const oldAdmin = await keysAdmin();
    const oldKid = kidOf(oldUserToken);
    assert.equal(kidOf(oldAdmin), oldKid);
    const target = await createClient(a);
    const caller = await exchanger(target.clientId);

    // B knows these tokens and caches their claims before the withdrawal.
    assert.equal((await introspect(b, oldUserToken)).active, true);
    assert.equal((await request('GET', `${b.url}/v1/me`, { token: oldUserToken })).status, 200);
    assert.equal((await exchange(b, caller, oldUserToken, target.clientId)).status, 200);

    const rotated = await rotate(oldAdmin, 0);
    assert.equal(rotated.status, 201, rotated.text);
    assert.equal(rotated.body.state, 'active');
    const rotatedAt = Math.floor(Date.now() / 1000);
    // The old key is retiring: its tokens still work until it is withdrawn.
    assert.equal((await introspect(b, oldUserToken)).active, true);
    const admin = await keysAdmin();
    assert.equal(kidOf(admin), rotated.body.kid);

    const res = await withdraw(a, oldKid, admin);
    assert.equal(res.status, 204, res.text);
    assert.equal(res.text, '');

    const waited = await eventually(async () => (await introspect(b, oldUserToken)).active === false, 1_000, 20);
    assert.ok(waited <= 1_000);
    assert.deepEqual(await introspect(b, oldUserToken), { active: false });
    assertProblem(await request('GET', `${b.url}/v1/me`, { token: oldUserToken }), 401, 'unauthorized');
    assertProblem(await request('GET', `${b.url}/v1/signing-keys`, { token: oldAdmin }), 401, 'unauthorized');
    assert.ok(!(await jwksKids(b)).includes(oldKid), 'B still publishes the withdrawn key');
    assert.ok((await jwksKids(b)).includes(rotated.body.kid));
    assert.ok(!(await listed(b, admin)).some((k) => k.kid === oldKid), 'B still lists the withdrawn key');
    const exchanged = await exchange(b, caller, oldUserToken, target.clientId);
    assert.equal(exchanged.status, 400, exchanged.text);
    assert.equal(exchanged.body.error, 'invalid_request');

    // The feed tells resource services, until the last token the key signed has expired.
    const entry = await kidEntry(b, oldKid);
    assert.ok(entry, 'no kid entry on the revocation feed');
    const ttl = a.config.accessTokenTtl;
    assert.ok(entry.until! >= rotatedAt + ttl - 2 && entry.until! <= rotatedAt + ttl + 5, JSON.stringify(entry));
    assert.ok(Math.abs(entry.revoked_at - Date.now() / 1000) < 5, JSON.stringify(entry));

    // A still answers the same, new tokens work on both, and the private part is gone for good.
    assert.deepEqual(await introspect(a, oldUserToken), { active: false });
    const fresh = await login(b, user);
    assert.equal(kidOf(fresh.access_token), rotated.body.kid);
    assert.equal((await request('GET', `${a.url}/v1/me`, { token: fresh.access_token })).status, 200);
    const [row] = await db.sql
      .query<{ private_key_enc: Buffer | null; withdrawn_at: Date | null }>(
        'SELECT private_key_enc, withdrawn_at FROM signing_keys WHERE kid = $1',
        [oldKid],
      )
      .then((r) => r.rows);
    assert.equal(row.private_key_enc, null);
    assert.ok(row.withdrawn_at instanceof Date);

    const rows = await auditRows(a, `event_type = 'signing_key.withdrawn' AND subject_id = $1`, [oldKid]);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0].outcome, rows[0].actor_type, rows[0].subject_type], ['success', 'client', 'signing_key']);
    assert.equal(rows[0].details.revoked_until, new Date(entry.until! * 1000).toISOString());

    // Withdrawn is gone, like every deleted /v1 object: a second DELETE is 404, on either instance.
    assertProblem(await withdraw(b, oldKid, admin), 404, 'not_found');
  });

  it('refuses the key that signs now, and one scheduled to sign, with 409 and what to do', async () => {
    const admin = await keysAdmin();
    const active = (await listed(a, admin)).find((k) => k.state === 'active')!;
    assert.equal(active.kid, kidOf(admin));
    const res = await withdraw(a, active.kid, admin);
    assertProblem(res, 409, 'conflict');
    assert.match(String(res.body.detail), /activate_in_seconds.*0/);

    const next = await rotate(admin, 600);
    assert.equal(next.body.state, 'next');
    const scheduled = await withdraw(b, next.body.kid, admin);
    assertProblem(scheduled, 409, 'conflict');
    assert.match(String(scheduled.body.detail), /scheduled to sign/);
    // Nothing changed: both still published, the admin token still works.
    for (const kid of [active.kid, next.body.kid]) assert.ok((await jwksKids(a)).includes(kid));
    assert.equal((await request('GET', `${a.url}/v1/signing-keys`, { token: admin })).status, 200);
  });

  it('after two pending rotations, a rotation at once leaves one active key and the others withdrawable', async () => {
    const admin = await keysAdmin();
    const current = kidOf(admin);
    const first = await rotate(admin, 600);
    const second = await rotate(admin, 1200);
    const now = await rotate(admin, 0);
    assert.equal(now.status, 201, now.text);
    const keys = await listed(a, admin);
    assert.deepEqual(
      keys.filter((k) => k.state === 'active').map((k) => k.kid),
      [now.body.kid],
    );
    assert.equal(keys.find((k) => k.kid === current)?.state, 'retiring');
    // Pending keys replaced before they activated never sign: out of JWKS, and withdrawable too.
    const published = await jwksKids(a);
    for (const kid of [first.body.kid, second.body.kid]) assert.ok(!published.includes(kid));

    const fresh = await keysAdmin();
    assert.equal((await withdraw(a, current, fresh)).status, 204);
    const before = Math.floor(Date.now() / 1000);
    assert.equal((await withdraw(a, first.body.kid, fresh)).status, 204);
    // A key that signed nothing: its entry still lasts until JWKS caches have dropped the key.
    const entry = await kidEntry(a, first.body.kid);
    assert.ok(entry && entry.until! >= before + a.get(KeyRing).jwksMaxAge() - 1, JSON.stringify(entry));
  });

  it('401 without credentials, 403 without the permission or without MFA, 404 for unknown kids', async () => {
    const kid = kidOf(await keysAdmin());
    assertProblem(await request('DELETE', `${a.url}/v1/signing-keys/${kid}`), 401, 'unauthorized');
    const reader = await sessionWith(a, ['roles:read', 'audit:read']);
    assertProblem(await withdraw(a, kid, reader.token), 403, 'forbidden');
    const noOtp = await sessionWith(a, ['signing_keys:write'], { mfa: false });
    assertProblem(await withdraw(a, kid, noOtp.token), 403, 'mfa_required');
    const admin = await keysAdmin();
    for (const unknown of [randomBytes(12).toString('base64url'), 'x'.repeat(200), 'a.b', "k' OR 1=1"])
      assertProblem(await withdraw(a, unknown, admin), 404, 'not_found');
    assert.ok((await jwksKids(a)).includes(kid));
  });
});
