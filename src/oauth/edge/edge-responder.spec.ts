import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import pino from 'pino';
import { OAuthError } from '../../common/errors/oauth-error';
import { CorsPolicy } from '../../common/http/cors-policy';
import { ResponsePolicy } from '../../common/http/response-policy';
import { SecurityHeaders } from '../../common/http/security-headers';
import { EdgeResponder } from './edge-responder';
import type { EdgeRequest } from './edge.types';

/** Records what the responder writes, as a ServerResponse would receive it. */
class Recorder extends EventEmitter {
  status = 0;
  headers: Record<string, string> = {};
  chunks: string[] = [];
  destroyed = false;
  writableEnded = false;
  writeHead(status: number, head: string[]): this {
    this.status = status;
    for (let i = 0; i < head.length; i += 2) {
      assert.equal(this.headers[head[i]], undefined, `header ${head[i]} sent twice`);
      this.headers[head[i]] = head[i + 1];
    }
    return this;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(chunk?: string): this {
    if (chunk !== undefined) this.chunks.push(chunk);
    this.writableEnded = true;
    this.emit('close');
    return this;
  }
}

const responder = new EdgeResponder(
  new ResponsePolicy(new SecurityHeaders('https://auth.example'), new CorsPolicy(['https://app.example'])),
  pino({ level: 'silent' }),
);
const request = (origin?: string): EdgeRequest => ({
  id: 'req-1',
  method: 'POST',
  url: '/oauth/introspect',
  ip: '127.0.0.1',
  headers: origin ? { origin } : {},
  body: {},
  query: {},
  routeOptions: { url: '/oauth/introspect' },
});
const send = (...args: Parameters<EdgeResponder['send']> extends [unknown, ...infer R] ? R : never): Recorder => {
  const res = new Recorder();
  responder.send(res as unknown as ServerResponse, ...args);
  return res;
};

describe('EdgeResponder', () => {
  it('answers JSON with the response policy, CORS, the request id and the length', () => {
    const res = send(request('https://app.example'), { kind: 'json', body: { active: false } }, undefined);
    assert.equal(res.status, 200);
    assert.equal(res.chunks.join(''), '{"active":false}');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.pragma, 'no-cache');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(res.headers['x-request-id'], 'req-1');
    assert.equal(res.headers['content-length'], '16');
  });

  it('answers an empty body without a content type', () => {
    const res = send(request(), { kind: 'empty' }, undefined);
    assert.equal(res.status, 200);
    assert.equal(res.chunks.join(''), '');
    assert.equal(res.headers['content-type'], undefined);
    assert.equal(res.headers['content-length'], '0');
  });

  it('renders errors in the RFC 6749 shape with their own headers, and the same policy headers', () => {
    const err = new OAuthError('invalid_client', 'secret', { headers: { 'www-authenticate': 'Basic realm="auth"' } });
    const res = send(request(), undefined, err);
    assert.equal(res.status, 401);
    assert.deepEqual(JSON.parse(res.chunks.join('')), { error: 'invalid_client', error_description: err.description });
    assert.equal(res.headers['www-authenticate'], 'Basic realm="auth"');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.doesNotMatch(res.chunks.join(''), /secret/, 'the internal reason is never sent');
  });

  it('hands a stream action the sink after sending the head (server-sent events)', async () => {
    let closed = false;
    const res = send(
      request(),
      {
        kind: 'stream',
        contentType: 'text/event-stream',
        write: (sink) => {
          sink.onClose(() => (closed = true));
          sink.write('event: revoked\ndata: {}\n\n');
          sink.end();
        },
      },
      undefined,
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(res.chunks.join(''), 'event: revoked\ndata: {}\n\n');
    assert.ok(closed);
  });
});
