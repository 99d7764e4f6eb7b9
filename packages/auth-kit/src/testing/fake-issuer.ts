import { createHmac, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { JoseKey, loadJose } from '../core/jose';
import { FakeFeed } from './fake-feed';

type Json = Record<string, unknown>;

/**
 * An in-process stand-in for the remote auth service (a test double for an HTTP peer):
 * discovery, JWKS, token, introspection and the revocation feed, with knobs for failures.
 */
export class FakeIssuer {
  readonly feed = new FakeFeed();
  readonly calls = { discovery: 0, jwks: 0, token: 0, introspect: 0 };
  /** Status codes the token endpoint answers before behaving (e.g. [503, 503]). */
  tokenFailures: number[] = [];
  /** Delay of the token endpoint, ms. */
  tokenDelayMs = 0;
  expiresIn = 100;
  introspection = new Map<string, Json>();
  tokenRequests: URLSearchParams[] = [];
  /** Signing secrets by keyid, with the client and scope `signatures/verify` answers with. */
  signingSecrets = new Map<string, { secret: string; clientId: string; scope: string }>();
  /** The forms `POST /oauth/signatures/verify` received. */
  verifyRequests: URLSearchParams[] = [];
  private readonly nonces = new Set<string>();
  url = '';
  private server?: Server;
  private keys: { kid: string; privateKey: JoseKey; jwk: Json }[] = [];
  private published = 1;

  static async start(): Promise<FakeIssuer> {
    const issuer = new FakeIssuer();
    await issuer.addKey();
    await issuer.addKey();
    issuer.server = createServer((req, res) => void issuer.route(req, res));
    await new Promise<void>((resolve) => issuer.server?.listen(0, '127.0.0.1', resolve));
    issuer.url = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}`;
    return issuer;
  }

  async close(): Promise<void> {
    this.feed.drop();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Publishes the next (already generated) key in JWKS, as a rotation would. */
  rotate(): string {
    this.published = Math.min(this.keys.length, this.published + 1);
    return this.keys[this.published - 1].kid;
  }

  get kids(): string[] {
    return this.keys.map((k) => k.kid);
  }

  /** An RFC 9068 access token; `header` and `claims` override the defaults. */
  async sign(claims: Json = {}, header: Json = {}, keyIndex = 0): Promise<string> {
    const jose = await loadJose();
    const now = Math.floor(Date.now() / 1000);
    const key = this.keys[keyIndex];
    const payload = {
      iss: this.url,
      aud: 'lyrics',
      sub: 'user-1',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomUUID(),
      scope: 'lyrics:read',
      client_id: 'cli',
      ...claims,
    };
    const protectedHeader = { alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header };
    return new jose.SignJWT(payload).setProtectedHeader(protectedHeader).sign(key.privateKey);
  }

  private async addKey(): Promise<void> {
    const jose = await loadJose();
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256');
    const kid = randomUUID();
    this.keys.push({ kid, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
    });
    const send = (status: number, json: Json): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    switch (url.pathname) {
      case '/.well-known/oauth-authorization-server':
        this.calls.discovery++;
        return send(200, {
          issuer: this.url,
          token_endpoint: `${this.url}/oauth/token`,
          jwks_uri: `${this.url}/jwks`,
          introspection_endpoint: `${this.url}/oauth/introspect`,
        });
      case '/jwks':
        this.calls.jwks++;
        return send(200, { keys: this.keys.slice(0, this.published).map((k) => k.jwk) });
      case '/oauth/token':
        return this.token(new URLSearchParams(body), send);
      case '/oauth/introspect': {
        this.calls.introspect++;
        const token = new URLSearchParams(body).get('token') ?? '';
        return send(200, this.introspection.get(token) ?? { active: false });
      }
      case '/oauth/signatures/verify':
        return send(200, this.verify(new URLSearchParams(body)));
      case '/oauth/revocations':
        if (this.feed.down) return send(503, { error: 'temporarily_unavailable' });
        return send(200, this.feed.list(url.searchParams.get('after')));
      case '/oauth/revocations/stream': {
        if (this.feed.down) return send(503, { error: 'temporarily_unavailable' });
        const last = req.headers['last-event-id'];
        return this.feed.open(res, typeof last === 'string' ? last : undefined);
      }
      default:
        return send(404, { error: 'not_found' });
    }
  }

  /**
   * The service's check, reduced to what the kit relies on: the last base line names exactly the
   * Signature-Input member, the MAC over the base matches the keyid's secret, a nonce is used once.
   */
  private verify(form: URLSearchParams): Json {
    this.verifyRequests.push(form);
    const input = form.get('signature_input') ?? '';
    const base = form.get('signature_base') ?? '';
    const member = input.slice(input.indexOf('=') + 1);
    const keyid = /;keyid="([^"]+)"/.exec(member)?.[1] ?? '';
    const nonce = /;nonce="([^"]+)"/.exec(member)?.[1] ?? '';
    const key = this.signingSecrets.get(keyid);
    const mac = /=:([^:]+):/.exec(form.get('signature') ?? '')?.[1];
    if (!key || !mac || !base.endsWith(`\n"@signature-params": ${member}`)) return { valid: false };
    if (createHmac('sha256', key.secret).update(base).digest('base64') !== mac) return { valid: false };
    if (this.nonces.has(`${keyid} ${nonce}`)) return { valid: false };
    this.nonces.add(`${keyid} ${nonce}`);
    const created = Number(/;created=(\d+)/.exec(member)?.[1]);
    return { valid: true, client_id: key.clientId, keyid, scope: key.scope, created, expires: created + 300 };
  }

  private async token(form: URLSearchParams, send: (s: number, j: Json) => void): Promise<void> {
    this.calls.token++;
    this.tokenRequests.push(form);
    if (this.tokenDelayMs) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
    const failure = this.tokenFailures.shift();
    if (failure) return send(failure, { error: failure >= 500 ? 'temporarily_unavailable' : 'invalid_client' });
    const access = await this.sign({ sub: 'svc', n: this.calls.token, aud: form.get('audience') ?? 'lyrics' });
    const scope = form.get('scope') ?? '';
    send(200, { access_token: access, token_type: 'Bearer', expires_in: this.expiresIn, scope });
  }
}
