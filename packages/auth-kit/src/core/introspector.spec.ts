import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InvalidTokenError } from '../errors';
import { FakeIssuer } from '../testing/fake-issuer';
import { AuthKit } from './auth-kit';
import { Discovery } from './discovery';
import { Introspector } from './introspector';

describe('Introspector cache', () => {
  let issuer: FakeIssuer;
  let clock: number;
  const make = (maxEntries = 3): Introspector =>
    new Introspector(issuer.url, new Discovery(issuer.url, fetch), fetch, () => clock, {
      credentials: { clientId: 'rs', clientSecret: 's' },
      maxEntries,
    });

  before(async () => {
    issuer = await FakeIssuer.start();
  });
  after(() => issuer.close());
  beforeEach(() => {
    clock = Date.now();
    issuer.calls.introspect = 0;
  });

  it('reuses an answer for at most 30 s', async () => {
    issuer.introspection.set('ak_1', { active: true, token_type: 'api_key', sub: 'k1', scope: 'lyrics:read' });
    const cache = make();
    await cache.introspect('ak_1');
    clock += 29_000;
    await cache.introspect('ak_1');
    assert.equal(issuer.calls.introspect, 1);
    clock += 2_000;
    await cache.introspect('ak_1');
    assert.equal(issuer.calls.introspect, 2);
  });

  it('never reuses an answer past the credential exp', async () => {
    const exp = Math.floor(clock / 1000) + 5;
    issuer.introspection.set('ak_2', { active: true, token_type: 'api_key', sub: 'k2', exp });
    const cache = make();
    await cache.introspect('ak_2');
    clock += 6_000;
    await cache.introspect('ak_2');
    assert.equal(issuer.calls.introspect, 2);
  });

  it('keeps inactive answers for a shorter time', async () => {
    const cache = make();
    await cache.introspect('nope');
    await cache.introspect('nope');
    assert.equal(issuer.calls.introspect, 1);
    clock += 6_000;
    await cache.introspect('nope');
    assert.equal(issuer.calls.introspect, 2);
  });

  it('is bounded in size, evicting the oldest entry', async () => {
    const cache = make(3);
    for (const t of ['a', 'b', 'c', 'd']) await cache.introspect(t);
    assert.equal(cache.size(), 3);
    await cache.introspect('d');
    assert.equal(issuer.calls.introspect, 4);
    await cache.introspect('a');
    assert.equal(issuer.calls.introspect, 5, 'the oldest entry was evicted');
  });

  it('keys on the issuer too: two issuers never share an answer', async () => {
    const other = new Introspector('http://other.example', new Discovery(issuer.url, fetch), fetch, () => clock, {
      credentials: { clientId: 'rs', clientSecret: 's' },
    });
    await make().introspect('x');
    await other.introspect('x');
    assert.equal(issuer.calls.introspect, 2);
  });
});

describe('AuthKit: API keys through cached introspection', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  before(async () => {
    issuer = await FakeIssuer.start();
    kit = new AuthKit({
      issuer: issuer.url,
      audience: 'lyrics',
      credentials: { clientId: 'rs', clientSecret: 's' },
      revocation: { reconnect: { baseDelayMs: 5, maxDelayMs: 20 } },
    });
    await kit.start();
  });
  after(async () => {
    await kit.close();
    await issuer.close();
  });

  it('authenticates an API key once per cache life and drops it when the feed revokes it', async () => {
    issuer.introspection.set('ak_live', {
      active: true,
      token_type: 'api_key',
      sub: 'key-1',
      owner_type: 'user',
      owner_id: 'u1',
      scope: 'lyrics:read',
    });
    const p = await kit.authenticate({ apiKey: 'ak_live' });
    assert.equal(p.kind, 'api_key');
    assert.equal(p.subject, 'key-1');
    assert.deepEqual(p.permissions, ['lyrics:read']);
    for (let i = 0; i < 20; i++) await kit.authenticate({ apiKey: 'ak_live' });
    assert.equal(issuer.calls.introspect, 1);
    const now = Math.floor(Date.now() / 1000);
    issuer.feed.add({ kind: 'api_key', value: 'key-1', revoked_at: now, until: null });
    const started = Date.now();
    while (kit.stats().revocations === 0 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 5));
    await assert.rejects(kit.authenticate({ apiKey: 'ak_live' }), InvalidTokenError);
  });

  it('refuses an API key whose owner was disabled (a sub entry)', async () => {
    issuer.introspection.set('ak_owner', { active: true, token_type: 'api_key', sub: 'key-2', owner_id: 'u2' });
    assert.ok(await kit.authenticate({ apiKey: 'ak_owner' }));
    const now = Math.floor(Date.now() / 1000);
    issuer.feed.add({ kind: 'sub', value: 'u2', revoked_at: now, until: now + 60 });
    const started = Date.now();
    while (kit.stats().revocations < 2 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 5));
    await assert.rejects(kit.authenticate({ apiKey: 'ak_owner' }), InvalidTokenError);
  });

  it('refuses an inactive key and an opaque bearer for another audience', async () => {
    await assert.rejects(kit.authenticate({ apiKey: 'ak_unknown' }), InvalidTokenError);
    issuer.introspection.set('opaque-1', { active: true, token_type: 'Bearer', sub: 'u', aud: 'audio', scope: '' });
    await assert.rejects(kit.authenticate({ authorization: 'Bearer opaque-1' }), InvalidTokenError);
  });
});
