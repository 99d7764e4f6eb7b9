import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { IssuerUnreachableError, TokenRequestError } from '../errors';
import { FakeIssuer } from '../testing/fake-issuer';
import { TokenSource } from './token-source';

describe('TokenSource', () => {
  let issuer: FakeIssuer;
  let clock: number;
  const source = (extra: Partial<ConstructorParameters<typeof TokenSource>[0]> = {}): TokenSource =>
    new TokenSource({
      issuer: issuer.url,
      clientId: 'svc',
      clientSecret: 'cs_secret',
      now: () => clock,
      retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });

  before(async () => {
    issuer = await FakeIssuer.start();
  });
  after(() => issuer.close());
  beforeEach(() => {
    clock = Date.now();
    issuer.calls.token = 0;
    issuer.tokenFailures = [];
    issuer.tokenDelayMs = 0;
    issuer.expiresIn = 100;
    issuer.tokenRequests = [];
  });

  it('caches the token and renews it at 80% of its life, serving the old one meanwhile', async () => {
    const tokens = source();
    const first = await tokens.getToken();
    clock += 79_000;
    assert.equal(await tokens.getToken(), first);
    assert.equal(issuer.calls.token, 1);
    clock += 2_000;
    assert.equal(await tokens.getToken(), first, 'the still-valid token is served while renewing');
    // The renewal runs in the background: poll until the new token is served.
    const started = Date.now();
    let renewed = first;
    while (renewed === first && Date.now() - started < 2000) {
      await new Promise((r) => setTimeout(r, 5));
      renewed = await tokens.getToken();
    }
    assert.notEqual(renewed, first);
    assert.equal(issuer.calls.token, 2, 'one renewal however often it was asked for meanwhile');
  });

  it('waits for a new token once the cached one has expired', async () => {
    const tokens = source();
    const first = await tokens.getToken();
    clock += 100_000;
    assert.notEqual(await tokens.getToken(), first);
    assert.equal(issuer.calls.token, 2);
  });

  it('sends one request for 50 concurrent callers (single flight)', async () => {
    issuer.tokenDelayMs = 50;
    const tokens = source();
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    assert.equal(new Set(all).size, 1);
    assert.equal(issuer.calls.token, 1);
  });

  it('keeps a separate token per scope', async () => {
    const tokens = source();
    const a = await tokens.getToken({ scope: 'lyrics:read' });
    const b = await tokens.getToken({ scope: 'audio:read' });
    assert.notEqual(a, b);
    assert.equal(issuer.tokenRequests[1].get('scope'), 'audio:read');
    assert.equal(issuer.tokenRequests[1].get('grant_type'), 'client_credentials');
  });

  it('retries 5xx with backoff and then succeeds', async () => {
    issuer.tokenFailures = [503, 500];
    assert.ok(await source().getToken());
    assert.equal(issuer.calls.token, 3);
  });

  it('retries network errors and gives up with IssuerUnreachableError', async () => {
    let attempts = 0;
    const broken = source({
      fetch: async (input, init) => {
        if (String(input).endsWith('/oauth/token')) {
          attempts++;
          throw new TypeError('fetch failed');
        }
        return fetch(input, init);
      },
    });
    await assert.rejects(broken.getToken(), IssuerUnreachableError);
    assert.equal(attempts, 4);
  });

  it('never retries a 4xx', async () => {
    issuer.tokenFailures = [401];
    const err = await source()
      .getToken()
      .catch((e: unknown) => e);
    assert.ok(err instanceof TokenRequestError);
    assert.equal(err.oauthError, 'invalid_client');
    assert.equal(issuer.calls.token, 1);
  });

  it('exchanges a subject token (RFC 8693) and caches per subject, audience and scope', async () => {
    const tokens = source();
    const subject = await issuer.sign({ sub: 'alice' });
    const a = await tokens.exchange(subject, 'audio', 'audio:read');
    assert.equal(await tokens.exchange(subject, 'audio', 'audio:read'), a);
    const form = issuer.tokenRequests[0];
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(form.get('subject_token'), subject);
    assert.equal(form.get('subject_token_type'), 'urn:ietf:params:oauth:token-type:access_token');
    assert.equal(form.get('audience'), 'audio');
    assert.equal(form.get('scope'), 'audio:read');
    assert.notEqual(await tokens.exchange(subject, 'prompts', 'audio:read'), a);
    assert.notEqual(await tokens.exchange(subject, 'audio'), a);
    assert.notEqual(await tokens.exchange(await issuer.sign({ sub: 'bob' }), 'audio', 'audio:read'), a);
    assert.equal(issuer.calls.token, 4);
  });

  it('never serves an exchanged token past its expiry', async () => {
    issuer.expiresIn = 10;
    const tokens = source();
    const subject = await issuer.sign();
    const first = await tokens.exchange(subject, 'audio');
    clock += 10_000;
    assert.notEqual(await tokens.exchange(subject, 'audio'), first);
    assert.equal(issuer.calls.token, 2);
  });

  it('sends client_secret_basic by default and client_secret_post when asked', async () => {
    let auth: string | null = null;
    const spy = source({
      fetch: (input, init) => {
        if (String(input).endsWith('/oauth/token')) auth = new Headers(init?.headers).get('authorization');
        return fetch(input, init);
      },
    });
    await spy.getToken();
    assert.equal(auth, `Basic ${Buffer.from('svc:cs_secret').toString('base64')}`);
    await source({ authMethod: 'client_secret_post' }).getToken();
    assert.equal(issuer.tokenRequests.at(-1)?.get('client_secret'), 'cs_secret');
  });
});
