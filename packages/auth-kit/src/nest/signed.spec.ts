import 'reflect-metadata';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Body, Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Principal } from '../core/types';
import { signRequest } from '../signing/sign-request';
import { FakeIssuer } from '../testing/fake-issuer';
import { AuthKitModule } from './auth-kit.module';
import { CurrentPrincipal, RequireSignedRequest } from './decorators';

const SECRET = { keyid: 'nest-k1', secret: 'ss_nest-secret' };

@Controller()
class SongsController {
  @RequireSignedRequest()
  @Post('songs')
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): unknown {
    return { signer: principal.signature?.clientId, body };
  }

  @Get('songs')
  list(): unknown {
    return { signed: false };
  }
}

/** A request to the app with the Host a caller would use (`songs.internal`), signed or not. */
function send(
  port: number,
  method: string,
  headers: Headers,
  body?: string,
): Promise<{ status: number; text: string }> {
  const plain: Record<string, string> = { host: 'songs.internal' };
  headers.forEach((value, name) => (plain[name] = value));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: '/songs', headers: plain }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('@RequireSignedRequest() on Nest + Fastify (rawBody: true)', () => {
  let issuer: FakeIssuer;
  let app: INestApplication;
  let port: number;
  let token: string;

  before(async () => {
    issuer = await FakeIssuer.start();
    issuer.signingSecrets.set(SECRET.keyid, { ...SECRET, clientId: 'cli', scope: 'songs:write' });
    token = await issuer.sign({ client_id: 'cli' });
    @Module({
      imports: [
        AuthKitModule.forRoot({
          issuer: issuer.url,
          audience: 'lyrics',
          credentials: { clientId: 'rs', clientSecret: 's' },
          signatures: { authority: 'songs.internal' },
        }),
      ],
      controllers: [SongsController],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false, rawBody: true });
    await app.listen(0, '127.0.0.1');
    port = Number(new URL(await app.getUrl()).port);
  });
  after(async () => {
    await app.close();
    await issuer.close();
  });

  const signed = async (body: string): Promise<Headers> => {
    const headers = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    await signRequest({ method: 'POST', url: 'http://songs.internal/songs', headers, body }, SECRET);
    return headers;
  };

  it('passes a signed request and hands the verified signer to the handler', async () => {
    const res = await send(port, 'POST', await signed('{"song":"x"}'), '{"song":"x"}');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(JSON.parse(res.text), { signer: 'cli', body: { song: 'x' } });
  });

  it('refuses an unsigned request, a tampered body and a replay with 401 invalid_signature', async () => {
    const unsigned = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const none = await send(port, 'POST', unsigned, '{"song":"x"}');
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.text).code, 'invalid_signature');
    assert.equal((await send(port, 'POST', await signed('{"song":"x"}'), '{"song":"z"}')).status, 401);
    const once = await signed('{"song":"x"}');
    assert.equal((await send(port, 'POST', once, '{"song":"x"}')).status, 201);
    assert.equal((await send(port, 'POST', once, '{"song":"x"}')).status, 401);
  });

  it('passes a signed POST without a body (no raw body kept, the digest is of nothing)', async () => {
    const headers = new Headers({ authorization: `Bearer ${token}` });
    await signRequest({ method: 'POST', url: 'http://songs.internal/songs', headers }, SECRET);
    const res = await send(port, 'POST', headers);
    assert.equal(res.status, 201, res.text);
  });

  it('leaves routes without the decorator to the token alone', async () => {
    const res = await send(port, 'GET', new Headers({ authorization: `Bearer ${token}` }));
    assert.equal(res.status, 200);
  });
});
