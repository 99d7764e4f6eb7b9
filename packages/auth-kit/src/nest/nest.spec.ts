import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Principal } from '../core/types';
import { FakeIssuer } from '../testing/fake-issuer';
import { AuthKitModule } from './auth-kit.module';
import { CurrentPrincipal, Public, RequirePermissions } from './decorators';

@Controller()
class LyricsController {
  @Public()
  @Get('health')
  health(): { ok: boolean } {
    return { ok: true };
  }

  @RequirePermissions('lyrics:read')
  @Get('lyrics')
  lyrics(@CurrentPrincipal() principal: Principal): { sub: string; permissions: readonly string[] } {
    return { sub: principal.subject, permissions: principal.permissions };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): { sub: string } {
    return { sub: principal.subject };
  }
}

describe('AuthKitModule.forRoot on Nest + Fastify', () => {
  let issuer: FakeIssuer;
  let app: INestApplication;
  let url: string;

  before(async () => {
    issuer = await FakeIssuer.start();
    @Module({
      imports: [
        AuthKitModule.forRoot({
          issuer: issuer.url,
          audience: 'lyrics',
          credentials: { clientId: 'rs', clientSecret: 's' },
        }),
      ],
      controllers: [LyricsController],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  after(async () => {
    await app.close();
    await issuer.close();
  });

  it('lets @Public() routes through without a credential', async () => {
    assert.equal((await fetch(`${url}/health`)).status, 200);
  });

  it('denies by default: a route without decorators still needs a valid token', async () => {
    const res = await fetch(`${url}/me`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="api"');
    const ok = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${await issuer.sign({ sub: 'ann' })}` } });
    assert.deepEqual(await ok.json(), { sub: 'ann' });
  });

  it('checks @RequirePermissions against the scope and hands over @CurrentPrincipal', async () => {
    const token = await issuer.sign({ sub: 'ann' });
    const ok = await fetch(`${url}/lyrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { sub: 'ann', permissions: ['lyrics:read'] });
    const weak = await issuer.sign({ scope: 'audio:read' });
    const denied = await fetch(`${url}/lyrics`, { headers: { authorization: `Bearer ${weak}` } });
    assert.equal(denied.status, 403);
    assert.match(denied.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    assert.equal((await denied.json()).title, 'Forbidden');
  });

  it('answers 401 invalid_token for a forged token', async () => {
    const forged = `${(await issuer.sign()).slice(0, -4)}AAAA`;
    const res = await fetch(`${url}/lyrics`, { headers: { authorization: `Bearer ${forged}` } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('keeps checking permissions and revocation when the token is already verified (sync path)', async () => {
    const weak = await issuer.sign({ scope: 'audio:read', jti: 'nest-weak' });
    const strong = await issuer.sign({ jti: 'nest-strong' });
    const get = (token: string): Promise<Response> =>
      fetch(`${url}/lyrics`, { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) {
      assert.equal((await get(weak)).status, 403, `weak token, request ${i + 1}`);
      assert.equal((await get(strong)).status, 200, `strong token, request ${i + 1}`);
    }
    const now = Math.floor(Date.now() / 1000);
    issuer.feed.add({ kind: 'jti', value: 'nest-strong', revoked_at: now, until: now + 300 });
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3000) status = (await get(strong)).status;
    assert.equal(status, 401);
    assert.match((await get(strong)).headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await get(weak)).status, 403, 'the other token is unaffected');
  });
});
