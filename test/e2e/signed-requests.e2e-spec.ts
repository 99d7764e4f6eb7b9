import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminSession, auditRows, createClient } from '../factories';
import { createRole, introspectorClient } from '../factories/oauth';
import { Secret, sign, Signed } from '../factories/signatures';
import { basic, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

describe('RFC 9421 signed requests', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let verifier: { clientId: string; secret?: string };
  let signerId: string;

  const verify = (app: TestApp, form: Signed, who = verifier) =>
    postForm(`${app.url}/oauth/signatures/verify`, { ...form }, basic(who.clientId, who.secret!));
  const newSecret = async (clientId = signerId): Promise<Secret> => {
    const res = await request<Secret>('POST', `${a.url}/v1/clients/${clientId}/signing-secrets`, {
      token: admin,
      json: {},
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  before(async () => {
    a = await startTestApp();
    b = await startTestApp();
    admin = (await adminSession(a)).token;
    verifier = await introspectorClient(a, ['signatures:verify']);
    signerId = (await createClient(a, { roles: [await createRole(a, ['tokens:introspect'])] })).clientId;
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('creates a secret shown once (ss_ + 32 random bytes), lists it without secret, stores it encrypted', async () => {
    const secret = await newSecret();
    assert.match(secret.secret, /^ss_[A-Za-z0-9_-]{43}$/);
    const list = await request<{ items: Record<string, unknown>[]; next_cursor: string | null }>(
      'GET',
      `${a.url}/v1/clients/${signerId}/signing-secrets`,
      { token: admin },
    );
    assert.equal(list.status, 200);
    const item = list.body.items.find((i) => i.keyid === secret.keyid);
    assert.deepEqual(Object.keys(item ?? {}).sort(), ['created_at', 'keyid']);
    assert.ok(!list.text.includes(secret.secret));
    const rows = await auditRows(a, "event_type = 'signing_secret.created' AND subject_id = $1", [signerId]);
    assert.ok(rows.length >= 1);
    assert.ok(!JSON.stringify(rows).includes(secret.secret));
  });

  it('verifies a good signature with the client, keyid, scope and times', async () => {
    const secret = await newSecret();
    const form = await sign(secret);
    const res = await verify(a, form);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.body.valid, true);
    assert.equal(res.body.client_id, signerId);
    assert.equal(res.body.keyid, secret.keyid);
    assert.equal(res.body.scope, 'tokens:introspect');
    assert.equal(typeof res.body.created, 'number');
    assert.equal(res.body.expires, (res.body.created as number) + 300);
  });

  it('refuses a replayed nonce, on this instance and on the other one', async () => {
    const secret = await newSecret();
    const form = await sign(secret);
    assert.equal((await verify(a, form)).body.valid, true);
    assert.deepEqual((await verify(a, form)).body, { valid: false });
    assert.deepEqual((await verify(b, form)).body, { valid: false });
  });

  it('does not spend a nonce on a signature that failed', async () => {
    const secret = await newSecret();
    const nonce = randomBytes(16).toString('base64url');
    const bad = await sign(secret, { nonce });
    const tampered = { ...bad, signature_base: bad.signature_base.replace('/v1/songs', '/v1/admin') };
    assert.deepEqual((await verify(a, tampered)).body, { valid: false });
    assert.equal((await verify(a, bad)).body.valid, true);
  });

  it('refuses created 301 s old, expires passed, and a validity over 300 s', async () => {
    const secret = await newSecret();
    const now = Math.floor(Date.now() / 1000);
    assert.deepEqual((await verify(a, await sign(secret, { created: now - 301, expires: now + 10 }))).body, {
      valid: false,
    });
    assert.deepEqual((await verify(a, await sign(secret, { created: now - 20, expires: now - 1 }))).body, {
      valid: false,
    });
    assert.deepEqual((await verify(a, await sign(secret, { created: now, expires: now + 301 }))).body, {
      valid: false,
    });
  });

  it('refuses a body changed after signing (the receiver recomputes Content-Digest)', async () => {
    const secret = await newSecret();
    const form = await sign(secret, { body: '{"song":"x"}', receivedBody: '{"song":"y"}' });
    assert.deepEqual((await verify(a, form)).body, { valid: false });
  });

  it('keeps old and new secrets valid while rotating; a deleted one fails here at once, there within 1 s', async () => {
    const old = await newSecret();
    const fresh = await newSecret();
    assert.equal((await verify(b, await sign(old))).body.valid, true);
    assert.equal((await verify(b, await sign(fresh))).body.valid, true);
    const del = await request('DELETE', `${a.url}/v1/clients/${signerId}/signing-secrets/${old.keyid}`, {
      token: admin,
    });
    assert.equal(del.status, 204);
    assert.deepEqual((await verify(a, await sign(old))).body, { valid: false });
    const deadline = Date.now() + 1_000;
    let seenOnB = false;
    while (Date.now() < deadline && !seenOnB) {
      seenOnB = (await verify(b, await sign(old))).body.valid === false;
      if (!seenOnB) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(seenOnB, 'the other instance still accepted the deleted secret after 1 s');
    assert.equal((await verify(a, await sign(fresh))).body.valid, true);
    const again = await request('DELETE', `${a.url}/v1/clients/${signerId}/signing-secrets/${old.keyid}`, {
      token: admin,
    });
    assert.equal(again.status, 404);
  });

  it('refuses every signature of a deleted client', async () => {
    const client = await createClient(a);
    const secret = await newSecret(client.clientId);
    assert.equal((await verify(a, await sign(secret))).body.valid, true);
    assert.equal((await request('DELETE', `${a.url}/v1/clients/${client.clientId}`, { token: admin })).status, 204);
    assert.deepEqual((await verify(a, await sign(secret))).body, { valid: false });
  });

  it('401 to an unknown caller, 403 without signatures:verify, 400 without fields stays {"valid": false}', async () => {
    const secret = await newSecret();
    const form = await sign(secret);
    const unknown = await verify(a, form, { clientId: 'nobody', secret: 'cs_x' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_client');
    const other = await introspectorClient(a, ['tokens:introspect']);
    const forbidden = await verify(a, form, other);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'insufficient_scope');
    const missing = await postForm(
      `${a.url}/oauth/signatures/verify`,
      { signature: 'x' },
      basic(verifier.clientId, verifier.secret!),
    );
    assert.deepEqual(missing.body, { valid: false });
  });

  it('audits refusals as signature.rejected, damped, without the signature', async () => {
    const secret = await newSecret();
    const form = await sign(secret);
    const wrongMac = {
      ...form,
      signature: form.signature.replace(/:[^:]+:/, `:${randomBytes(32).toString('base64')}:`),
    };
    for (let i = 0; i < 5; i++) assert.deepEqual((await verify(a, wrongMac)).body, { valid: false });
    const rows = await auditRows(a, "event_type = 'signature.rejected' AND details->>'reason' = 'wrong MAC'", []);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].outcome, 'failure');
    assert.ok(!JSON.stringify(rows).includes(wrongMac.signature.slice(6, 30)));
  });

  it('404s signing secrets of an unknown client, and 403s a caller who holds less than the client', async () => {
    assert.equal(
      (await request('POST', `${a.url}/v1/clients/nope/signing-secrets`, { token: admin, json: {} })).status,
      404,
    );
    const holder = await createClient(a, { roles: ['admin'] });
    const limited = await adminSession(a, [await createRole(a, ['clients:write', 'clients:read'])]);
    const res = await request('POST', `${a.url}/v1/clients/${holder.clientId}/signing-secrets`, {
      token: limited.token,
      json: {},
    });
    assert.equal(res.status, 403);
  });
});
