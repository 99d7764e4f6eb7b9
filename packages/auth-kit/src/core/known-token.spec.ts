import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FeedStaleError, InvalidTokenError } from '../errors';
import { FakeIssuer } from '../testing/fake-issuer';
import { AuthKit } from './auth-kit';
import { AuthKitOptions } from './auth-kit-options';

const fast = { reconnect: { baseDelayMs: 5, maxDelayMs: 20 } };
const credentials = { clientId: 'rs', clientSecret: 's' };
const bearer = (t: string): string => `Bearer ${t}`;
/** An `InvalidTokenError` whose log-only `reason` matches. */
const because =
  (reason: RegExp) =>
  (err: unknown): boolean =>
    err instanceof InvalidTokenError && reason.test(err.reason);
const until = async (done: () => boolean, ms = 3000): Promise<void> => {
  const started = Date.now();
  while (!done() && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 5));
};

/** The guard's synchronous path: a token verified before, every per-request check still made. */
describe('AuthKit.authenticateKnown', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  const kitWith = async (extra: Partial<AuthKitOptions> = {}): Promise<AuthKit> => {
    const k = new AuthKit({ issuer: issuer.url, audience: 'lyrics', credentials, revocation: fast, ...extra });
    await k.start();
    return k;
  };

  before(async () => {
    issuer = await FakeIssuer.start();
    kit = await kitWith();
  });
  after(async () => {
    await kit.close();
    await issuer.close();
  });

  it('decides only for a Bearer JWT verified before, with the principal authenticate gave', async () => {
    const token = await issuer.sign({ sub: 'ann' });
    assert.equal(kit.authenticateKnown(bearer(token)), undefined, 'never verified: the full path decides');
    const full = await kit.authenticate({ authorization: bearer(token) });
    assert.equal(kit.authenticateKnown(bearer(token)), full);
    assert.equal(kit.authenticateKnown(undefined), undefined);
    assert.equal(kit.authenticateKnown(`bearer ${token}`), undefined, 'other spellings take the full path');
    assert.equal(kit.authenticateKnown(`Bearer ${token} `), undefined);
  });

  it('does not take a token for a remembered one that shares its signature', async () => {
    const token = await issuer.sign({ sub: 'ann', scope: 'lyrics:read' });
    assert.ok(await kit.authenticate({ authorization: bearer(token) }));
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const wider = Buffer.from(JSON.stringify({ ...claims, scope: 'lyrics:read lyrics:admin' })).toString('base64url');
    const forged = `${header}.${wider}.${signature}`;
    assert.equal(kit.authenticateKnown(bearer(forged)), undefined);
    await assert.rejects(kit.authenticate({ authorization: bearer(forged) }), InvalidTokenError);
    assert.equal(kit.authenticateKnown(bearer(forged)), undefined, 'a forgery is never remembered');
    assert.ok(kit.authenticateKnown(bearer(token)), 'nor does it evict the real token');
  });

  it('checks the revocation set on every call', async () => {
    const token = await issuer.sign({ jti: 'known-1' });
    assert.ok(await kit.authenticate({ authorization: bearer(token) }));
    assert.ok(kit.authenticateKnown(bearer(token)));
    const now = Math.floor(Date.now() / 1000);
    const size = kit.stats().revocations;
    issuer.feed.add({ kind: 'jti', value: 'known-1', revoked_at: now, until: now + 300 });
    await until(() => kit.stats().revocations > size);
    assert.throws(() => kit.authenticateKnown(bearer(token)), because(/revoked/));
  });

  it('checks exp on every call: an expired token falls to the full path, which refuses it', async () => {
    let clock = Date.now();
    const clocked = await kitWith({ revocation: { enabled: false }, now: () => clock });
    const token = await issuer.sign({ exp: Math.floor(clock / 1000) + 60 });
    assert.ok(await clocked.authenticate({ authorization: bearer(token) }));
    assert.ok(clocked.authenticateKnown(bearer(token)));
    clock += 70_000;
    assert.equal(clocked.authenticateKnown(bearer(token)), undefined);
    await assert.rejects(clocked.authenticate({ authorization: bearer(token) }), because(/EXPIRED/));
    await clocked.close();
  });

  it('checks a cnf binding on every call', async () => {
    const token = await issuer.sign({ cnf: { 'x5t#S256': 'abc' } });
    await assert.rejects(kit.authenticate({ authorization: bearer(token) }), because(/without a client certificate/));
    assert.throws(() => kit.authenticateKnown(bearer(token)), because(/without a client certificate/));
  });

  it('with the feed stale: throws when failing closed, leaves it to introspection otherwise', async () => {
    const closed = await kitWith({ revocation: { ...fast, staleAfterMs: 100 } });
    const open = await kitWith({ revocation: { ...fast, staleAfterMs: 100, onStale: 'introspect' } });
    const token = await issuer.sign();
    for (const k of [closed, open]) assert.ok(await k.authenticate({ authorization: bearer(token) }));
    issuer.feed.down = true;
    issuer.feed.drop();
    await until(() => closed.stats().feedStaleForMs > 100 && open.stats().feedStaleForMs > 100);
    assert.throws(() => closed.authenticateKnown(bearer(token)), FeedStaleError);
    assert.equal(open.authenticateKnown(bearer(token)), undefined);
    issuer.feed.down = false;
    await closed.close();
    await open.close();
  });
});
