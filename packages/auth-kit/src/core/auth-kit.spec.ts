import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FeedStaleError, InsufficientPermissionError, InvalidTokenError } from '../errors';
import { FakeIssuer } from '../testing/fake-issuer';
import { AuthKit } from './auth-kit';
import { AuthKitOptions } from './auth-kit-options';

const fast = { reconnect: { baseDelayMs: 5, maxDelayMs: 20 } };

describe('AuthKit: offline JWT verification', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  const bearer = (t: string): { authorization: string } => ({ authorization: `Bearer ${t}` });
  const refused = async (token: string, reason?: RegExp): Promise<void> => {
    const err = await kit.authenticate(bearer(token)).catch((e: unknown) => e);
    assert.ok(err instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(err)}`);
    if (reason) assert.match(err.reason, reason);
  };

  before(async () => {
    issuer = await FakeIssuer.start();
    kit = new AuthKit({
      issuer: issuer.url,
      audience: 'lyrics',
      credentials: { clientId: 'rs', clientSecret: 's' },
      jwksCooldownMs: 1000,
      revocation: fast,
    });
    await kit.start();
  });
  after(async () => {
    await kit.close();
    await issuer.close();
  });

  it('accepts a valid token and exposes its scope as permissions', async () => {
    const p = await kit.authenticate(bearer(await issuer.sign({ scope: 'lyrics:read lyrics:write', username: 'ann' })));
    assert.equal(p.kind, 'jwt');
    assert.equal(p.username, 'ann');
    assert.deepEqual(p.permissions, ['lyrics:read', 'lyrics:write']);
    kit.authorize(p, ['lyrics:read']);
    assert.throws(() => kit.authorize(p, ['audio:read']), InsufficientPermissionError);
  });

  it('refuses a wrong issuer, a wrong audience and a wrong typ', async () => {
    await refused(await issuer.sign({ iss: 'http://evil.example' }), /CLAIM_VALIDATION/);
    await refused(await issuer.sign({ aud: 'audio' }), /CLAIM_VALIDATION/);
    await refused(await issuer.sign({}, { typ: 'JWT' }), /CLAIM_VALIDATION/);
  });

  it('applies exp and nbf with a small leeway', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await issuer.sign({ exp: now - 10 }), /EXPIRED/);
    await refused(await issuer.sign({ nbf: now + 60 }), /CLAIM_VALIDATION/);
    assert.ok(await kit.authenticate(bearer(await issuer.sign({ exp: now - 2 }))), 'within the 5 s leeway');
  });

  it('re-checks exp on every request even when the signature check is remembered', async () => {
    let clock = Date.now();
    const credentials = { clientId: 'rs', clientSecret: 's' };
    const clocked = new AuthKit({
      issuer: issuer.url,
      audience: 'lyrics',
      credentials,
      revocation: { enabled: false },
      now: () => clock,
    });
    await clocked.start();
    const token = await issuer.sign({ exp: Math.floor(clock / 1000) + 60 });
    assert.ok(await clocked.authenticate(bearer(token)));
    assert.ok(await clocked.authenticate(bearer(token)));
    clock += 70_000;
    const err = await clocked.authenticate(bearer(token)).catch((e: unknown) => e);
    assert.ok(err instanceof InvalidTokenError && /EXPIRED/.test(err.reason));
    await clocked.close();
  });

  it('refuses a token without kid, a missing header and a malformed one', async () => {
    await refused(await issuer.sign({}, { kid: undefined }), /kid/);
    const missing = await kit.authenticate({}).catch((e: unknown) => e);
    assert.ok(missing instanceof InvalidTokenError && missing.missing);
    await assert.rejects(kit.authenticate({ authorization: 'Basic abc' }), InvalidTokenError);
  });

  it('refetches the JWKS on an unknown kid, at most once per cooldown', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const before = kit.stats().jwksFetches;
    const rotated = await issuer.sign({}, {}, 1);
    const err1 = await kit.authenticate(bearer(await issuer.sign({}, { kid: 'made-up' }))).catch((e: unknown) => e);
    assert.ok(err1 instanceof InvalidTokenError);
    assert.equal(kit.stats().jwksFetches, before + 1, 'one refetch for the unknown kid');
    issuer.rotate();
    await refused(rotated, /unknown signing key/);
    assert.equal(kit.stats().jwksFetches, before + 1, 'cooldown: no second fetch');
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok(await kit.authenticate(bearer(rotated)), 'after the cooldown the new key is fetched');
    assert.equal(kit.stats().jwksFetches, before + 2);
  });

  it('drops tokens revoked by jti, sid, sub and kid from the stream within a short time', async () => {
    const now = Math.floor(Date.now() / 1000);
    const byJti = await issuer.sign({ jti: 'j-1' });
    const bySid = await issuer.sign({ sid: 'fam-1' });
    const bySub = await issuer.sign({ sub: 'user-9', iat: now - 5 });
    const byKid = await issuer.sign({}, {}, 1);
    for (const t of [byJti, bySid, bySub, byKid]) assert.ok(await kit.authenticate(bearer(t)));
    const until = now + 300;
    issuer.feed.add({ kind: 'jti', value: 'j-1', revoked_at: now, until });
    issuer.feed.add({ kind: 'sid', value: 'fam-1', revoked_at: now, until });
    issuer.feed.add({ kind: 'sub', value: 'user-9', revoked_at: now, until });
    issuer.feed.add({ kind: 'kid', value: issuer.kids[1], revoked_at: now, until });
    const started = Date.now();
    while (kit.stats().revocations < 4 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 5));
    for (const t of [byJti, bySid, bySub, byKid]) await refused(t, /revoked/);
    // A token of the same user issued after the revocation is fine.
    assert.ok(await kit.authenticate(bearer(await issuer.sign({ sub: 'user-9', iat: now + 2 }))));
    assert.equal(issuer.calls.introspect, 0, 'JWTs never go to introspection');
  });

  it('ignores entries whose until has passed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const size = kit.stats().revocations;
    issuer.feed.add({ kind: 'jti', value: 'old', revoked_at: now - 100, until: now - 50 });
    const started = Date.now();
    while (kit.stats().revocations === size && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 5));
    assert.equal(kit.stats().revocations, size + 1, 'the entry arrived');
    assert.ok(await kit.authenticate(bearer(await issuer.sign({ jti: 'old' }))));
  });

  it('resumes with Last-Event-ID after a dropped connection and gets what it missed', async () => {
    const connects = kit.stats().feedConnects;
    issuer.feed.drop();
    const now = Math.floor(Date.now() / 1000);
    issuer.feed.add({ kind: 'jti', value: 'missed', revoked_at: now, until: now + 300 });
    const started = Date.now();
    while (kit.stats().feedConnects === connects && Date.now() - started < 2000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const missed = await issuer.sign({ jti: 'missed' });
    while (
      Date.now() - started < 3000 &&
      (await kit.authenticate(bearer(missed)).then(
        () => true,
        () => false,
      ))
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(issuer.feed.lastEventIds.at(-1), String(issuer.feed.log.length - 1));
    await refused(missed, /revoked/);
  });
});

describe('AuthKit: stale feed', () => {
  let issuer: FakeIssuer;
  before(async () => {
    issuer = await FakeIssuer.start();
  });
  after(() => issuer.close());

  const kitWith = async (onStale: 'fail-closed' | 'introspect'): Promise<AuthKit> => {
    const options: AuthKitOptions = {
      issuer: issuer.url,
      audience: 'lyrics',
      credentials: { clientId: 'rs', clientSecret: 's' },
      revocation: { ...fast, staleAfterMs: 100, onStale },
    };
    const kit = new AuthKit(options);
    await kit.start();
    return kit;
  };
  const goStale = async (kit: AuthKit): Promise<void> => {
    issuer.feed.down = true;
    issuer.feed.drop();
    while (kit.stats().feedStaleForMs <= 100) await new Promise((r) => setTimeout(r, 10));
  };

  it('fails closed (503) when the feed has been unreachable too long, and recovers', async () => {
    const kit = await kitWith('fail-closed');
    const token = await issuer.sign();
    assert.ok(await kit.authenticate({ authorization: `Bearer ${token}` }));
    await goStale(kit);
    await assert.rejects(kit.authenticate({ authorization: `Bearer ${token}` }), FeedStaleError);
    issuer.feed.down = false;
    const started = Date.now();
    while (kit.stats().feedStaleForMs > 0 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 10));
    assert.ok(await kit.authenticate({ authorization: `Bearer ${token}` }));
    await kit.close();
  });

  it('falls back to introspection when configured to', async () => {
    const kit = await kitWith('introspect');
    const live = await issuer.sign();
    const dead = await issuer.sign();
    issuer.introspection.set(live, { active: true });
    await goStale(kit);
    const calls = issuer.calls.introspect;
    assert.ok(await kit.authenticate({ authorization: `Bearer ${live}` }));
    await assert.rejects(kit.authenticate({ authorization: `Bearer ${dead}` }), InvalidTokenError);
    assert.ok(await kit.authenticate({ authorization: `Bearer ${live}` }));
    assert.equal(issuer.calls.introspect, calls + 3, 'no cached answer while the feed is down');
    issuer.feed.down = false;
    await kit.close();
  });
});
