import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { basic, postForm, request } from '../support/http';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { startTestApp, TestApp } from '../support/test-app';
import { createClient, TestClient } from '../factories';
import { clientCredentials, clientSessionWith } from '../factories/admin';
import { eventually } from '../factories/api-keys';
import { introspectorClient } from '../factories/oauth';

const ISSUER = 'http://auth.signing-keys-cluster.test';
const kidOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

/**
 * Two instances on one database. A rotation made on A must reach B as a
 * published key at once (cluster NOTIFY), and B must start signing with it
 * at activates_at by itself: nobody tells B when that moment comes.
 * A database of its own: signing-keys.e2e rotates keys too, and on a shared
 * database one suite's rotation moved the other's activation moment.
 */
describe('signing-key rotation across two instances', () => {
  let db: FreshDatabase;
  let a: TestApp;
  let b: TestApp;
  let service: TestClient;
  let inspector: TestClient;

  before(async () => {
    db = await freshDatabase();
    a = await startTestApp({ DATABASE_URL: db.url, ISSUER });
    b = await startTestApp({ DATABASE_URL: db.url, ISSUER });
    service = await createClient(a);
    inspector = await introspectorClient(a);
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  const tokenFrom = async (app: TestApp): Promise<string> => {
    const res = await clientCredentials(app, service.clientId, service.secret!);
    assert.equal(res.status, 200, res.text);
    return res.body.access_token;
  };
  const jwksKids = async (app: TestApp): Promise<string[]> =>
    (await request<{ keys: { kid: string }[] }>('GET', `${app.url}/.well-known/jwks.json`)).body.keys.map((k) => k.kid);
  const activeOn = async (app: TestApp, token: string): Promise<boolean> =>
    (await postForm(`${app.url}/oauth/introspect`, { token }, basic(inspector.clientId, inspector.secret!))).body
      .active === true;

  it("B publishes A's new key at once and signs with it from activates_at, without a restart", async () => {
    const admin = await clientSessionWith(a, ['signing_keys:write']);
    const oldKid = kidOf(await tokenFrom(b));
    const res = await request<{ kid: string; state: string; activates_at: string }>(
      'POST',
      `${a.url}/v1/signing-keys/rotate`,
      {
        token: admin.token,
        json: { activate_in_seconds: 3 },
      },
    );
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'next');
    const activatesAt = Date.parse(res.body.activates_at);

    // Published on B well before it signs: a resource server fetching B's JWKS gets it.
    const waited = await eventually(async () => (await jwksKids(b)).includes(res.body.kid), 2_000, 20);
    assert.ok(waited < 2_000, 'B did not publish the new key');
    if (Date.now() < activatesAt - 200)
      assert.equal(kidOf(await tokenFrom(b)), oldKid, 'B signs with the next key too early');

    await new Promise((r) => setTimeout(r, Math.max(0, activatesAt - Date.now()) + 150));
    const fromB = await tokenFrom(b);
    const fromA = await tokenFrom(a);
    assert.equal(kidOf(fromB), res.body.kid, 'B switched at activates_at');
    assert.equal(kidOf(fromA), res.body.kid, 'A switched at activates_at');

    // Each instance verifies the other's tokens, and so does a stock JOSE resource server on either JWKS.
    assert.equal(await activeOn(a, fromB), true);
    assert.equal(await activeOn(b, fromA), true);
    for (const app of [a, b]) {
      const remote = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
      for (const token of [fromA, fromB]) await jwtVerify(token, remote, { issuer: ISSUER, typ: 'at+jwt' });
    }
    // B lists the retiring key as A does.
    const listB = await request<{ items: { kid: string; state: string }[] }>(
      'GET',
      `${b.url}/v1/signing-keys?limit=100`,
      { token: admin.token },
    );
    assert.equal(listB.body.items.find((k) => k.kid === oldKid)?.state, 'retiring');
    assert.equal(listB.body.items.find((k) => k.kid === res.body.kid)?.state, 'active');
  });
});
