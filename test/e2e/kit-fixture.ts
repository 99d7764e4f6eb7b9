import assert from 'node:assert/strict';
import { ExampleConfig } from '../../examples/resource-service/src/config';
import { RunningExample, startResourceService } from '../../examples/resource-service/src/start';
import { adminSession, createUser, login, TestUser, totp, unique } from '../factories';
import { request } from '../support/http';
import { TestApp } from '../support/test-app';

type Json = Record<string, unknown>;

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export interface ServiceClient {
  clientId: string;
  secret: string;
}

/**
 * The fleet the kit's end-to-end tests run: an admin on auth instance A, the `lyrics:*`
 * permissions and a reader role, and two examples (upstream calls downstream on a user's behalf).
 */
export class KitFleet {
  adminToken = '';
  readerRole = '';
  upstream!: RunningExample;
  downstream!: RunningExample;
  upstreamClient!: ServiceClient;
  downstreamClient!: ServiceClient;

  constructor(private readonly a: TestApp) {}

  async start(options: { onStale?: ExampleConfig['onStale'] } = {}): Promise<void> {
    const session = await adminSession(this.a);
    this.adminToken = session.token;
    // The example's permission names are fixed; kit-example and kit-signing share the database and may
    // both create them: the second one finds them there (409), which is what it needs as well.
    for (const name of ['lyrics:read', 'lyrics:write']) {
      const res = await request('POST', `${this.a.url}/v1/permissions`, { token: this.adminToken, json: { name } });
      assert.ok(res.status === 201 || res.status === 409, `POST /v1/permissions: ${res.text}`);
    }
    // A fresh token carries the new permissions (the next TOTP step: a code is accepted once).
    const secret = session.user.totpSecret ?? '';
    this.adminToken = (await login(this.a, session.user, { otp: totp(secret, 1) })).access_token;
    this.readerRole = unique('lyrics_reader_');
    await this.admin('POST', '/v1/roles', { name: this.readerRole, permissions: ['lyrics:read', 'lyrics:write'] }, 201);
    const serviceRole = unique('resource_svc_');
    await this.admin('POST', '/v1/roles', { name: serviceRole, permissions: ['tokens:introspect'] }, 201);
    this.downstreamClient = await this.client(serviceRole, []);
    this.upstreamClient = await this.client(serviceRole, [this.downstreamClient.clientId]);
    this.downstream = await this.example(this.downstreamClient, undefined, options.onStale);
    this.upstream = await this.example(this.upstreamClient, this.downstream, options.onStale);
  }

  async stop(): Promise<void> {
    await Promise.all([this.upstream?.close(), this.downstream?.close()]);
  }

  /** A user holding lyrics:read and lyrics:write (or only the built-in `user` role). */
  reader(roles?: string[]): Promise<TestUser> {
    return createUser(this.a, { roles: roles ?? [this.readerRole] });
  }

  login(user: TestUser, scope?: string): ReturnType<typeof login> {
    return login(this.a, user, scope ? { scope } : {});
  }

  async admin(method: string, path: string, json: unknown, status: number, on = this.a.url): Promise<Json> {
    const res = await request(method, `${on}${path}`, { token: this.adminToken, json });
    assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
    return res.body;
  }

  private async client(role: string, audiences: string[]): Promise<ServiceClient> {
    const body = await this.admin(
      'POST',
      '/v1/clients',
      {
        name: unique('example_'),
        confidential: true,
        grant_types: audiences.length > 0 ? ['client_credentials', TOKEN_EXCHANGE] : ['client_credentials'],
        roles: [role],
        ...(audiences.length > 0 ? { token_exchange_audiences: audiences } : {}),
      },
      201,
    );
    return { clientId: String(body.client_id), secret: String(body.client_secret) };
  }

  private example(
    client: ServiceClient,
    downstream: RunningExample | undefined,
    onStale: ExampleConfig['onStale'] = 'fail-closed',
  ): Promise<RunningExample> {
    return startResourceService(
      {
        issuer: this.a.config.issuer,
        clientId: client.clientId,
        clientSecret: client.secret,
        // User tokens carry the issuer's audience; exchanged ones carry our client id.
        audience: [this.a.config.accessTokenAudience, client.clientId],
        downstreamUrl: downstream?.url,
        downstreamAudience: downstream ? this.downstreamClient.clientId : client.clientId,
        onStale,
        port: 0,
        host: '127.0.0.1',
      },
      { logger: false },
    );
  }
}

/** Polls `status()` until it returns `want`; the elapsed ms, or a failure after `limitMs`. */
export async function untilStatus(status: () => Promise<number>, want: number, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await status()) === want) return performance.now() - started;
    if (performance.now() - started > limitMs) assert.fail(`status ${want} not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function get(url: string, auth: { token?: string; apiKey?: string } = {}): Promise<number> {
  return (await request('GET', url, auth)).status;
}
