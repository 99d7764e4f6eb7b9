import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpbis } from 'http-message-signatures';
import { captureRawBody, fastifyAuthKit } from '../adapters/fastify';
import { AuthKit } from '../core/auth-kit';
import { FakeIssuer } from '../testing/fake-issuer';
import { createServiceFetch } from '../token/service-fetch';
import { contentDigest, contentDigestMatches } from './content-digest';
import { signRequest } from './sign-request';

const SECRET = { keyid: 'k1', secret: 'ss_unit-test-secret-0123456789abcdefghijklmnop' };

describe('RFC 9421 signing (createServiceFetch) and checking (adapters, signed: true)', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  let elsewhere: AuthKit;
  let app: FastifyInstance;
  let url: string;
  let token: string;
  const tokens = { getToken: async (): Promise<string> => token };

  before(async () => {
    issuer = await FakeIssuer.start();
    issuer.signingSecrets.set(SECRET.keyid, { ...SECRET, clientId: 'cli', scope: 'songs:write' });
    token = await issuer.sign({ client_id: 'cli' });
    app = Fastify();
    app.decorateRequest('principal', undefined);
    app.decorateRequest('rawBody', undefined);
    app.addHook('preParsing', captureRawBody);
    const options = { issuer: issuer.url, audience: 'lyrics', credentials: { clientId: 'rs', clientSecret: 's' } };
    // The kits need the port (their authority), known only after listen: the hooks look them up late.
    const signedBy = (pick: () => AuthKit) => ({
      preHandler: (r: FastifyRequest, p: FastifyReply) => fastifyAuthKit(pick(), { signed: true })(r, p),
    });
    app.post(
      '/songs',
      signedBy(() => kit),
      async (req) => ({ signature: req.principal?.signature, body: req.body }),
    );
    app.get(
      '/songs',
      signedBy(() => kit),
      async () => ({}),
    );
    app.get(
      '/other',
      signedBy(() => elsewhere),
      async () => ({}),
    );
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    kit = new AuthKit({ ...options, signatures: { authority: new URL(url).host }, revocation: { enabled: false } });
    const revocation = { enabled: false };
    elsewhere = new AuthKit({ ...options, signatures: { authority: 'lyrics.internal' }, revocation });
    await kit.start();
    await elsewhere.start();
  });
  after(async () => {
    await app.close();
    await kit.close();
    await elsewhere.close();
    await issuer.close();
  });

  it('signRequest covers @method, @target-uri and content-digest with the profile parameters', async () => {
    const headers = new Headers({ 'content-type': 'application/json' });
    const url = 'https://lyrics.internal/v1/songs?x=1';
    await signRequest({ method: 'post', url, headers, body: '{"a":1}' }, SECRET);
    assert.equal(headers.get('content-digest'), contentDigest('{"a":1}'));
    assert.ok(contentDigestMatches(headers.get('content-digest') ?? '', Buffer.from('{"a":1}')));
    assert.equal(contentDigestMatches('sha-512=:AAAA:', '{"a":1}'), false, 'no sha-256 member: never a match');
    assert.equal(contentDigestMatches('sha-256=not-bytes', '{"a":1}'), false, 'malformed');
    assert.equal(contentDigestMatches(contentDigest('{"a":2}'), '{"a":1}'), false);
    const input = headers.get('signature-input') ?? '';
    assert.match(input, /^sig=\("@method" "@target-uri" "content-digest"\);created=\d+;expires=\d+;nonce="[\w-]{22}"/);
    assert.match(input, /;keyid="k1";alg="hmac-sha256";tag="auth-service"$/);
    const [created, expires] = [/created=(\d+)/, /expires=(\d+)/].map((r) => Number(r.exec(input)?.[1]));
    assert.equal(expires - created, 300);
    const get = new Headers();
    await signRequest({ method: 'GET', url: 'https://lyrics.internal/v1/songs', headers: get }, SECRET);
    assert.equal(get.get('content-digest'), null);
    assert.match(get.get('signature-input') ?? '', /^sig=\("@method" "@target-uri"\);/);
    const verified = await httpbis.verifyMessage(
      { keyLookup: async () => ({ id: 'k1', algs: ['hmac-sha256'], verify: async () => true }) },
      { method: 'GET', url: 'https://lyrics.internal/v1/songs', headers: plain(get) },
    );
    assert.equal(verified, true, 'the library parses what we produce');
  });

  it('a signed POST passes and the verified signature joins the principal', async () => {
    const api = createServiceFetch({ tokens, signing: SECRET });
    const res = await api(`${url}/songs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"song":"x"}',
    });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.deepEqual(body.body, { song: 'x' });
    assert.equal(body.signature.clientId, 'cli');
    assert.deepEqual(body.signature.scope, ['songs:write']);
    const sent = issuer.verifyRequests.at(-1);
    const base = sent?.get('signature_base') ?? '';
    assert.match(base, /^"@method": POST\n"@target-uri": http:\/\/127\.0\.0\.1:\d+\/songs\n/);
    assert.equal((await api(`${url}/songs`)).status, 200, 'a signed GET passes too');
  });

  it('refuses a replayed request (the nonce is spent at the service, nothing is cached)', async () => {
    const headers = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    await signRequest({ method: 'POST', url: `${url}/songs`, headers, body: '{"song":"x"}' }, SECRET);
    const send = (): Promise<Response> => fetch(`${url}/songs`, { method: 'POST', headers, body: '{"song":"x"}' });
    assert.equal((await send()).status, 200);
    const calls = issuer.verifyRequests.length;
    const replay = await send();
    assert.equal(replay.status, 401);
    assert.equal(issuer.verifyRequests.length, calls + 1, 'asked the service again');
    assert.equal((await replay.json()).code, 'invalid_signature');
  });

  it('refuses a body changed after signing, without asking the service', async () => {
    const headers = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    await signRequest({ method: 'POST', url: `${url}/songs`, headers, body: '{"song":"x"}' }, SECRET);
    const calls = issuer.verifyRequests.length;
    const res = await fetch(`${url}/songs`, { method: 'POST', headers, body: '{"song":"y"}' });
    assert.equal(res.status, 401);
    assert.equal(issuer.verifyRequests.length, calls);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.match(res.headers.get('accept-signature') ?? '', /tag="auth-service"/);
    const unsigned = new Headers(headers);
    unsigned.delete('content-digest');
    const bare = await fetch(`${url}/songs`, { method: 'POST', headers: unsigned, body: '{"song":"x"}' });
    assert.equal(bare.status, 401, 'a body without Content-Digest');
  });

  it('refuses a signature for another authority', async () => {
    const api = createServiceFetch({ tokens, signing: SECRET });
    const calls = issuer.verifyRequests.length;
    const res = await api(`${url}/other`);
    assert.equal(res.status, 401);
    assert.equal(issuer.verifyRequests.length, calls, 'refused before asking the service');
    assert.equal((await res.json()).detail, 'the request signature is invalid');
  });

  it('refuses when the service answers valid: false, a missing signature, and another client', async () => {
    const unknown = createServiceFetch({ tokens, signing: { keyid: 'nope', secret: 'ss_x' } });
    assert.equal((await unknown(`${url}/songs`)).status, 401);
    const plain = await fetch(`${url}/songs`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(plain.status, 401);
    assert.equal((await plain.json()).detail, 'a signed request is required');
    const other = await issuer.sign({ client_id: 'someone-else' });
    const lifted = createServiceFetch({ tokens: { getToken: async () => other }, signing: SECRET });
    assert.equal((await lifted(`${url}/songs`)).status, 401, 'token of one client, signature of another');
  });
});

function plain(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}
