import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServiceFetch, signRequest, SigningSecret, TokenSource } from '@auth-service/auth-kit';
import { RunningExample, startResourceService } from '../../examples/resource-service/src/start';
import { Database } from '../../src/database/database.service';
import { adminSession, createClient } from '../factories';
import { createRole, introspectorClient } from '../factories/oauth';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

/** A free loopback port: the example must know its own authority before it listens. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * The kit end to end against the real auth service: a client signs with a signing secret made
 * through /v1, the example resource service checks the signature through /oauth/signatures/verify.
 */
describe('kit: signed requests against the auth service', () => {
  let a: TestApp;
  let example: RunningExample;
  let signer: { clientId: string; secret?: string };
  let secret: SigningSecret;
  let tokens: TokenSource;

  before(async () => {
    a = await startTestApp();
    const admin = (await adminSession(a)).token;
    await a.get(Database).query("INSERT INTO permissions (name) VALUES ('lyrics:write') ON CONFLICT DO NOTHING");
    signer = await createClient(a, { roles: [await createRole(a, ['lyrics:write'])] });
    const resource = await introspectorClient(a, ['tokens:introspect', 'signatures:verify']);
    const created = await request<SigningSecret>('POST', `${a.url}/v1/clients/${signer.clientId}/signing-secrets`, {
      token: admin,
      json: {},
    });
    assert.equal(created.status, 201, created.text);
    secret = { keyid: created.body.keyid, secret: created.body.secret };
    const port = await freePort();
    example = await startResourceService(
      {
        issuer: a.config.issuer,
        clientId: resource.clientId,
        clientSecret: resource.secret ?? '',
        audience: [a.config.accessTokenAudience],
        downstreamAudience: resource.clientId,
        onStale: 'fail-closed',
        port,
        host: '127.0.0.1',
        signatureAuthority: `127.0.0.1:${port}`,
      },
      { logger: false },
    );
    tokens = new TokenSource({ issuer: a.config.issuer, clientId: signer.clientId, clientSecret: signer.secret ?? '' });
  });
  after(async () => {
    await example?.close();
    await a.close();
  });

  const signedHeaders = async (body: string): Promise<Headers> => {
    const authorization = `Bearer ${await tokens.getToken()}`;
    const headers = new Headers({ authorization, 'content-type': 'application/json' });
    await signRequest({ method: 'POST', url: `${example.url}/lyrics`, headers, body }, secret);
    return headers;
  };

  it('a request signed by createServiceFetch passes, and the handler sees the verified signer', async () => {
    const api = createServiceFetch({ tokens, signing: secret });
    const res = await api(`${example.url}/lyrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'signed' }),
    });
    assert.equal(res.status, 201, `${await res.clone().text()} ${JSON.stringify(example.kit.stats())}`);
    assert.deepEqual(await res.json(), { accepted: { title: 'signed' }, signer: signer.clientId, keyid: secret.keyid });
  });

  it('a replayed request (same signature, same nonce) is refused', async () => {
    const body = JSON.stringify({ title: 'once' });
    const headers = await signedHeaders(body);
    const send = (): Promise<Response> => fetch(`${example.url}/lyrics`, { method: 'POST', headers, body });
    assert.equal((await send()).status, 201);
    const replay = await send();
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { code: string }).code, 'invalid_signature');
  });

  it('a body changed after signing is refused, and so is a token without a signature', async () => {
    const headers = await signedHeaders(JSON.stringify({ title: 'original' }));
    const tampered = await fetch(`${example.url}/lyrics`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'tampered' }),
    });
    assert.equal(tampered.status, 401);
    const unsigned = await fetch(`${example.url}/lyrics`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${await tokens.getToken()}`, 'content-type': 'application/json' },
    });
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { detail: string }).detail, 'a signed request is required');
  });

  it('a signature from a deleted secret is refused', async () => {
    const admin = (await adminSession(a)).token;
    const extra = await request<SigningSecret>('POST', `${a.url}/v1/clients/${signer.clientId}/signing-secrets`, {
      token: admin,
      json: {},
    });
    const deleted = await request(
      'DELETE',
      `${a.url}/v1/clients/${signer.clientId}/signing-secrets/${extra.body.keyid}`,
      { token: admin },
    );
    assert.equal(deleted.status, 204, deleted.text);
    const api = createServiceFetch({ tokens, signing: { keyid: extra.body.keyid, secret: extra.body.secret } });
    const res = await api(`${example.url}/lyrics`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 401);
  });
});
