import assert from 'node:assert/strict';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServiceFetch } from './service-fetch';
import { TokenProvider } from './token-source-options';

describe('createServiceFetch', () => {
  let server: Server;
  let url: string;
  let seen: IncomingHttpHeaders[] = [];
  let rejectToken = '';

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.statusCode = req.headers.authorization === `Bearer ${rejectToken}` ? 401 : 200;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  });
  after(() => new Promise((r) => server.close(r)));

  const provider = (): TokenProvider & { issued: number; forced: number } => {
    const p = {
      issued: 0,
      forced: 0,
      getToken: async (o?: { forceRefresh?: boolean }) => {
        if (o?.forceRefresh) p.forced++;
        return `t${++p.issued}`;
      },
    };
    return p;
  };

  it('adds the bearer token and a fresh X-Request-ID', async () => {
    seen = [];
    const res = await createServiceFetch({ tokens: provider() })(url);
    assert.equal(res.status, 200);
    assert.equal(seen[0].authorization, 'Bearer t1');
    assert.match(String(seen[0]['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('propagates the given request id, from the call or from the provider', async () => {
    seen = [];
    const f = createServiceFetch({ tokens: provider(), requestId: () => 'req-from-context' });
    await f(url);
    await f(url, { headers: { 'X-Request-ID': 'req-explicit' } });
    assert.equal(seen[0]['x-request-id'], 'req-from-context');
    assert.equal(seen[1]['x-request-id'], 'req-explicit');
  });

  it('retries a 401 once with a freshly issued token', async () => {
    seen = [];
    rejectToken = 't1';
    const tokens = provider();
    const res = await createServiceFetch({ tokens })(url, { method: 'POST', body: 'payload' });
    assert.equal(res.status, 200);
    assert.equal(tokens.forced, 1);
    assert.deepEqual(
      seen.map((h) => h.authorization),
      ['Bearer t1', 'Bearer t2'],
    );
    assert.equal(seen[0]['x-request-id'], seen[1]['x-request-id'], 'the retry is the same request');
  });

  it('does not retry a second 401', async () => {
    seen = [];
    const tokens = { getToken: async () => 'always-bad' };
    rejectToken = 'always-bad';
    const res = await createServiceFetch({ tokens })(url);
    assert.equal(res.status, 401);
    assert.equal(seen.length, 2);
  });
});
