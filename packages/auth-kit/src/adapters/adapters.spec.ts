import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { FastifyInstance } from 'fastify';
import { AuthKit } from '../core/auth-kit';
import { FakeIssuer } from '../testing/fake-issuer';
import { expressAuthKit } from './express';
import { fastifyAuthKit } from './fastify';

describe('Fastify and Express adapters over the same core', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  let fastify: FastifyInstance;
  let plain: Server;
  const urls: Record<string, string> = {};

  before(async () => {
    issuer = await FakeIssuer.start();
    kit = new AuthKit({ issuer: issuer.url, audience: 'lyrics', credentials: { clientId: 'rs', clientSecret: 's' } });
    await kit.start();
    fastify = Fastify();
    fastify.decorateRequest('principal', undefined);
    fastify.get('/lyrics', { preHandler: fastifyAuthKit(kit, { permissions: ['lyrics:read'] }) }, async (req) => ({
      sub: req.principal?.subject,
    }));
    urls.fastify = await fastify.listen({ port: 0, host: '127.0.0.1' });
    const middleware = expressAuthKit(kit, { permissions: ['lyrics:read'] });
    plain = createServer((req, res) => {
      const withPrincipal = req as { principal?: { subject: string } };
      middleware(req, res, () => res.end(JSON.stringify({ sub: withPrincipal.principal?.subject })));
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    urls.express = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });
  after(async () => {
    await fastify.close();
    await new Promise((r) => plain.close(r));
    await kit.close();
    await issuer.close();
  });

  for (const name of ['fastify', 'express']) {
    it(`${name}: 200 with the principal, 401 invalid_token, 403 insufficient_scope`, async () => {
      const path = name === 'fastify' ? '/lyrics' : '/';
      const token = await issuer.sign({ sub: 'ann' });
      const ok = await fetch(`${urls[name]}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { sub: 'ann' });
      const none = await fetch(`${urls[name]}${path}`);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"');
      const bad = await fetch(`${urls[name]}${path}`, { headers: { authorization: 'Bearer a.b.c' } });
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.match(bad.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const weak = await issuer.sign({ scope: 'audio:read' });
      const denied = await fetch(`${urls[name]}${path}`, { headers: { authorization: `Bearer ${weak}` } });
      assert.equal(denied.status, 403);
      assert.match(denied.headers.get('www-authenticate') ?? '', /error="insufficient_scope", scope="lyrics:read"/);
      assert.equal((await denied.json()).status, 403);
    });

    it(`${name}: a token seen before is still checked for permissions and revocation`, async () => {
      const path = name === 'fastify' ? '/lyrics' : '/';
      const jti = `adapter-${name}`;
      const token = await issuer.sign({ sub: 'ann', jti });
      const weak = await issuer.sign({ scope: 'audio:read' });
      const get = (t: string): Promise<Response> =>
        fetch(`${urls[name]}${path}`, { headers: { authorization: `Bearer ${t}` } });
      for (let i = 0; i < 3; i++) {
        const ok = await get(token);
        assert.deepEqual(await ok.json(), { sub: 'ann' }, `request ${i + 1}`);
        assert.equal((await get(weak)).status, 403, `request ${i + 1}`);
      }
      const now = Math.floor(Date.now() / 1000);
      issuer.feed.add({ kind: 'jti', value: jti, revoked_at: now, until: now + 300 });
      const started = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - started < 3000) status = (await get(token)).status;
      assert.equal(status, 401);
    });
  }
});

declare module 'fastify' {
  interface FastifyRequest {
    principal?: import('../core/types').Principal;
  }
}
