import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';

interface Stalled {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

/** Opens a connection and sends `head` and part of a body, then nothing more. */
function stall(port: number, head: string, localAddress = '127.0.0.1'): Promise<Stalled> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.write(head);
      resolve({ socket, closed });
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.once('error', reject);
  });
}

const portOf = (app: TestApp): number => Number(new URL(app.url).port);
const stalledBody = (path: string, type: string): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: 100\r\n\r\ntoken=abc`;

describe('slow clients: request timeout (issue 9 item 10)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ REQUEST_TIMEOUT_SECONDS: '1' });
  });
  after(() => app.close());

  it('closes a stalled body with 408 within the timeout, on the edge (lane) and on a Fastify route', async () => {
    for (const [path, type] of [
      ['/oauth/introspect', 'application/x-www-form-urlencoded'],
      ['/v1/users', 'application/json'],
    ]) {
      const started = Date.now();
      const { closed } = await stall(portOf(app), stalledBody(path, type));
      const answer = await closed;
      assert.match(answer, /^HTTP\/1\.1 408 /, `${path}: ${answer}`);
      // Well under the 10 s default: the 1 s limit applied (checked on a timer of at most 1 s).
      assert.ok(Date.now() - started < 8_000, `${path} closed after ${Date.now() - started} ms`);
    }
  });

  it('closes a connection whose headers never finish with 408', async () => {
    const { closed } = await stall(portOf(app), 'POST /oauth/token HTTP/1.1\r\nHost: x\r\nX-Slow: 1');
    assert.match(await closed, /^HTTP\/1\.1 408 /);
  });
});

describe('idle keep-alive connections', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ KEEP_ALIVE_TIMEOUT_SECONDS: '1' });
  });
  after(() => app.close());

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_SECONDS, on both adapters', async () => {
    for (const head of [
      'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /oauth/introspect HTTP/1.1\r\nHost: x\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\ntoken=x',
    ]) {
      const started = Date.now();
      const { closed } = await stall(portOf(app), head);
      const answer = await closed;
      assert.match(answer, /^HTTP\/1\.1 (200|401) /, answer);
      assert.match(answer, /keep-alive/i, 'the answer kept the connection open');
      assert.ok(Date.now() - started < 4_000, `closed after ${Date.now() - started} ms, not after about 1 s`);
    }
  });
});

describe('slow clients: many stalled connections (issue 9 item 10)', () => {
  let app: TestApp;
  const stalled: Stalled[] = [];
  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    for (const s of stalled) s.socket.destroy();
    await app.close();
  });

  it('serves a fresh client while 1,000 stalled connections are open', async () => {
    // Four loopback addresses, 250 each: under the default cap of 256 per IP.
    for (let i = 0; i < 1_000; i += 1) {
      stalled.push(
        await stall(
          portOf(app),
          stalledBody('/oauth/introspect', 'application/x-www-form-urlencoded'),
          `127.0.0.${2 + (i % 4)}`,
        ),
      );
    }
    const res = await fetch(`${app.url}/health/live`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const token = await fetch(`${app.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=x',
    });
    assert.equal(token.status, 401);
    await token.arrayBuffer();
    assert.ok(
      stalled.every((s) => !s.socket.destroyed),
      'the stalled connections were still open',
    );
  });
});

describe('slow clients: connections per IP', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ MAX_CONNECTIONS_PER_IP: '3' });
  });
  after(() => app.close());

  it('closes a connection over MAX_CONNECTIONS_PER_IP at once, and serves the IP again when one closes', async () => {
    const held = await Promise.all(
      [1, 2, 3].map(() =>
        stall(portOf(app), stalledBody('/oauth/token', 'application/x-www-form-urlencoded'), '127.0.0.9'),
      ),
    );
    const over = await stall(portOf(app), 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n', '127.0.0.9');
    assert.equal(await over.closed, '', 'closed without an answer');
    held[0].socket.destroy();
    await held[0].closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await stall(
      portOf(app),
      'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      '127.0.0.9',
    );
    assert.match(await again.closed, /^HTTP\/1\.1 200 /);
    for (const h of held) h.socket.destroy();
  });
});
