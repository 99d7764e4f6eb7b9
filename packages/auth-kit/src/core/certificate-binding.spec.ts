import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import Fastify, { FastifyInstance } from 'fastify';
import { fastifyAuthKit } from '../adapters/fastify';
import { FakeIssuer } from '../testing/fake-issuer';
import { makeTestCertificates, TestCertificates } from '../testing/test-certificates';
import { createServiceFetch } from '../token/service-fetch';
import { createTlsFetch } from '../token/tls-fetch';
import { TokenSource } from '../token/token-source';
import { AuthKit } from './auth-kit';
import { certificateThumbprint } from './certificate-binding';

/** An HTTPS GET presenting no client certificate (fetch cannot trust a private CA without undici). */
function getWithoutCertificate(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cnf: certificate-bound tokens over real mutual TLS (RFC 8705)', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  let app: FastifyInstance;
  let url: string;
  let certs: TestCertificates;
  let bound: string;

  before(async () => {
    certs = makeTestCertificates(2);
    issuer = await FakeIssuer.start();
    kit = new AuthKit({
      issuer: issuer.url,
      audience: 'lyrics',
      credentials: { clientId: 'rs', clientSecret: 's' },
      revocation: { enabled: false },
    });
    await kit.start();
    // Ask for a certificate, accept any: the binding, not the CA, is what the kit checks.
    app = Fastify({ https: { ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: false } });
    app.decorateRequest('principal', undefined);
    app.get('/lyrics', { preHandler: fastifyAuthKit(kit) }, async (req) => ({ sub: req.principal?.subject }));
    // A token endpoint authenticating by certificate (tls_client_auth) and binding what it issues.
    app.get('/.well-known/oauth-authorization-server', async () => ({
      issuer: url,
      token_endpoint: `${url}/oauth/token`,
      jwks_uri: `${issuer.url}/jwks`,
    }));
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    app.post('/oauth/token', async (req) => {
      const thumbprint = certificateThumbprint(req.raw.socket);
      const clientId = (req.body as Record<string, string>).client_id;
      const access = await issuer.sign({ sub: clientId, client_id: clientId, cnf: { 'x5t#S256': thumbprint } });
      return { access_token: access, token_type: 'Bearer', expires_in: 300 };
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    bound = await issuer.sign({ sub: 'svc', cnf: { 'x5t#S256': certs.clients[0].thumbprint } });
  });
  after(async () => {
    await app.close();
    await kit.close();
    await issuer.close();
  });

  const withCertificate = (index: number, token: string): Promise<Response> => {
    const tls = { cert: certs.clients[index].cert, key: certs.clients[index].key, ca: certs.ca };
    return createServiceFetch({ tokens: { getToken: async () => token }, tls })(`${url}/lyrics`);
  };

  it('accepts a bound token over a connection with its certificate', async () => {
    const res = await withCertificate(0, bound);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: 'svc' });
  });

  it('refuses a bound token with another certificate (401 invalid_token)', async () => {
    const res = await withCertificate(1, bound);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('refuses a bound token without a certificate, and over plain HTTP', async () => {
    assert.equal(await getWithoutCertificate(`${url}/lyrics`, certs.ca, bound), 401);
    await assert.rejects(kit.authenticate({ authorization: `Bearer ${bound}` }), /invalid/);
  });

  it('lets an unbound token through with or without a certificate; refuses an unknown cnf method', async () => {
    const plain = await issuer.sign({ sub: 'ann' });
    assert.equal((await withCertificate(1, plain)).status, 200);
    assert.equal(await getWithoutCertificate(`${url}/lyrics`, certs.ca, plain), 200);
    const dpop = await issuer.sign({ cnf: { jkt: 'abc' } });
    assert.equal((await withCertificate(0, dpop)).status, 401);
  });

  it('TokenSource with tls_client_auth gets a token bound to its certificate, usable only with it', async () => {
    const tls = { cert: certs.clients[1].cert, key: certs.clients[1].key, ca: certs.ca };
    const tokens = new TokenSource({ issuer: url, clientId: 'svc-b', authMethod: 'tls_client_auth', tls });
    const res = await createServiceFetch({ tokens, tls })(`${url}/lyrics`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: 'svc-b' });
    assert.equal((await withCertificate(0, await tokens.getToken())).status, 401, 'the other certificate');
    assert.throws(() => new TokenSource({ issuer: url, clientId: 'x', authMethod: 'tls_client_auth' }), /tls/);
  });

  it('createTlsFetch refuses http: URLs and sends bodies', async () => {
    const tlsFetch = createTlsFetch({ cert: certs.clients[0].cert, key: certs.clients[0].key, ca: certs.ca });
    await assert.rejects(tlsFetch('http://127.0.0.1:1/'), /https/);
    const res = await tlsFetch(`${url}/lyrics`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 404, 'a POST reached the server and got its answer');
  });
});
