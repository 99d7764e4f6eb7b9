import assert from 'node:assert/strict';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AuthKit } from '../core/auth-kit';
import { Principal } from '../core/types';
import { FakeIssuer } from '../testing/fake-issuer';
import { createServiceFetch } from '../token/service-fetch';
import { expressAuthKit } from './express';

const SECRET = { keyid: 'ex-k1', secret: 'ss_express-secret' };

describe('expressAuthKit with signed: true (body kept as rawBody, as express.json({ verify }) does)', () => {
  let issuer: FakeIssuer;
  let kit: AuthKit;
  let server: Server;
  let url: string;
  let token: string;

  before(async () => {
    issuer = await FakeIssuer.start();
    issuer.signingSecrets.set(SECRET.keyid, { ...SECRET, clientId: 'cli', scope: '' });
    token = await issuer.sign({ client_id: 'cli' });
    // The kit needs the port (its authority): the server looks the middleware up per request.
    const guard: { middleware?: ReturnType<typeof expressAuthKit> } = {};
    server = createServer((req: IncomingMessage & { rawBody?: Buffer; principal?: Principal }, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        req.rawBody = Buffer.concat(chunks);
        guard.middleware?.(req, res, () => res.end(JSON.stringify({ signer: req.principal?.signature?.clientId })));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
    kit = new AuthKit({
      issuer: issuer.url,
      audience: 'lyrics',
      credentials: { clientId: 'rs', clientSecret: 's' },
      revocation: { enabled: false },
      signatures: { authority: `127.0.0.1:${port}` },
    });
    await kit.start();
    guard.middleware = expressAuthKit(kit, { signed: true });
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await kit.close();
    await issuer.close();
  });

  it('passes a signed PUT with its body and refuses the same request unsigned', async () => {
    const api = createServiceFetch({ tokens: { getToken: async () => token }, signing: SECRET });
    const res = await api(`${url}/songs/1`, { method: 'PUT', body: new URLSearchParams({ title: 'x' }) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { signer: 'cli' });
    const unsigned = await fetch(`${url}/songs/1`, {
      method: 'PUT',
      body: 'title=x',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(unsigned.status, 401);
    assert.equal((await unsigned.json()).code, 'invalid_signature');
  });
});
