import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { BodyReadError, readBody } from './body-reader';
import { CorsPolicy } from './cors-policy';
import { cachingHeaders, ResponsePolicy } from './response-policy';
import { SecurityHeaders } from './security-headers';

describe('ResponsePolicy', () => {
  const policy = new ResponsePolicy(new SecurityHeaders('https://auth.example.com'), new CorsPolicy([]));

  it('forbids caching of every /oauth and /v1 answer, and only those', () => {
    assert.deepEqual(cachingHeaders('/oauth/token'), { 'cache-control': 'no-store', pragma: 'no-cache' });
    assert.deepEqual(cachingHeaders('/oauth/anything-else'), { 'cache-control': 'no-store', pragma: 'no-cache' });
    assert.deepEqual(cachingHeaders('/v1/users'), { 'cache-control': 'no-store' });
    assert.deepEqual(cachingHeaders('/.well-known/jwks.json'), {});
  });

  it('combines security and caching headers per path, built once', () => {
    const oauth = policy.forPath('/oauth/introspect');
    assert.equal(oauth['cache-control'], 'no-store');
    assert.equal(oauth['x-content-type-options'], 'nosniff');
    assert.equal(policy.forPath('/oauth/token'), oauth, 'the same frozen object');
    assert.ok(Object.isFrozen(oauth));
    assert.match(policy.forPath('/docs')['content-security-policy'], /script-src 'self'/);
  });
});

describe('CorsPolicy', () => {
  it('adds nothing when no origin is configured', () => {
    assert.deepEqual(new CorsPolicy([]).actualHeaders('https://app.example'), {});
  });

  it('reflects listed origins only, always varying on Origin', () => {
    const cors = new CorsPolicy(['https://app.example']);
    assert.equal(cors.actualHeaders('https://app.example')['access-control-allow-origin'], 'https://app.example');
    assert.equal(cors.actualHeaders('https://evil.example')['access-control-allow-origin'], undefined);
    assert.equal(cors.actualHeaders(undefined).vary, 'Origin');
    assert.equal(new CorsPolicy(['*']).actualHeaders('https://any.example')['access-control-allow-origin'], '*');
  });
});

function incoming(chunks: string[], headers: Record<string, string>): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;
}

describe('readBody', () => {
  it('reads a body of the declared length', async () => {
    assert.equal(await readBody(incoming(['token=', 'abc'], { 'content-length': '9' }), 100), 'token=abc');
  });

  it('refuses a declared length over the limit before reading (413)', async () => {
    await assert.rejects(
      readBody(incoming([], { 'content-length': '101' }), 100),
      (e: BodyReadError) => e.statusCode === 413,
    );
  });

  it('refuses a chunked body once it passes the limit (413), and a length mismatch (400)', async () => {
    await assert.rejects(
      readBody(incoming(['x'.repeat(60), 'x'.repeat(60)], {}), 100),
      (e: BodyReadError) => e.statusCode === 413,
    );
    await assert.rejects(
      readBody(incoming(['abc'], { 'content-length': '5' }), 100),
      (e: BodyReadError) => e.statusCode === 400,
    );
  });
});

describe('readBody, multi-byte text', () => {
  it('decodes a character split across chunks', async () => {
    const bytes = Buffer.from('token=ä', 'utf8');
    const req = Object.assign(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]), {
      headers: { 'content-length': String(bytes.length) },
    }) as unknown as IncomingMessage;
    assert.equal(await readBody(req, 100), 'token=ä');
  });
});
