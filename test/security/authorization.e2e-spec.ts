import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminSession, createClient, createUser, login, TestUser } from '../factories';
import { sessionWith } from '../factories/admin';
import { createApiKey } from '../factories/api-keys';
import { refresh } from '../factories/users';
import { postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { assertOAuthError, assertProblem, fromFetch, Res } from './support/contract';

/**
 * Authorization attacks on the /v1 API: reaching other users' objects
 * (IDOR), granting oneself or others what one does not hold (privilege
 * escalation), and the admin MFA rule. Every refusal must be the contract's
 * problem+json with the right status (403 for "I know you, and you may not").
 */
describe('security: authorization', () => {
  let app: TestApp;
  let admin: { user: TestUser; token: string };

  before(async () => {
    app = await startTestApp();
    admin = await adminSession(app);
  });
  after(() => app.close());

  const call = async (
    method: string,
    path: string,
    auth: { token?: string; apiKey?: string },
    json?: unknown,
  ): Promise<Res> => fromFetch(await request(method, `${app.url}${path}`, { ...auth, json }));

  describe("IDOR: a plain user cannot reach other users' objects", () => {
    let plain: string;
    let other: TestUser;
    let othersKey: string;

    before(async () => {
      plain = (await login(app, await createUser(app))).access_token;
      other = await createUser(app, { roles: ['reader'] });
      othersKey = (
        await createApiKey(
          app,
          { token: admin.token },
          { name: 'other key', owner_type: 'user', owner_id: other.id, scope: 'users:read' },
        )
      ).id;
    });

    it('cannot read, change, re-role, unlock or erase another user', async () => {
      assertProblem(await call('GET', `/v1/users/${other.id}`, { token: plain }), 403);
      assertProblem(await call('GET', '/v1/users', { token: plain }), 403);
      assertProblem(await call('PATCH', `/v1/users/${other.id}`, { token: plain }, { disabled: true }), 403);
      assertProblem(
        await call('PATCH', `/v1/users/${other.id}`, { token: plain }, { email: 'attacker@example.com' }),
        403,
      );
      assertProblem(await call('PUT', `/v1/users/${other.id}/roles`, { token: plain }, { roles: ['user'] }), 403);
      assertProblem(await call('POST', `/v1/users/${other.id}/unlock`, { token: plain }), 403);
      assertProblem(await call('DELETE', `/v1/users/${other.id}`, { token: plain }), 403);
      // The victim is untouched.
      const victim = await call('GET', `/v1/users/${other.id}`, { token: admin.token });
      assert.equal((victim.body as { disabled: boolean }).disabled, false);
      assert.equal((victim.body as { email: string | null }).email, null);
    });

    it("cannot list, read, rotate or revoke another user's API keys", async () => {
      assertProblem(await call('GET', '/v1/api-keys', { token: plain }), 403);
      assertProblem(await call('GET', `/v1/api-keys/${othersKey}`, { token: plain }), 403);
      assertProblem(await call('POST', `/v1/api-keys/${othersKey}/rotate`, { token: plain }, {}), 403);
      assertProblem(await call('DELETE', `/v1/api-keys/${othersKey}`, { token: plain }), 403);
      const key = await call('GET', `/v1/api-keys/${othersKey}`, { token: admin.token });
      assert.equal(
        (key.body as { revoked_at?: unknown }).revoked_at ?? null,
        null,
        'the key was revoked by a plain user',
      );
    });

    it("an API key minted in another user's name does not outlive the minter", async () => {
      // A key holder with api_keys:write (no users:write) mints a key owned by someone else.
      // Such a key acts, and is audited, as the other user; if it survives the minter being
      // disabled, disabling an account no longer ends that person's access. Either the mint
      // is refused, or the key dies with the minter's access.
      const keyManager = await sessionWith(app, ['api_keys:write', 'api_keys:read']);
      const res = await call(
        'POST',
        '/v1/api-keys',
        { token: keyManager.token },
        { name: 'in your name', owner_type: 'user', owner_id: other.id },
      );
      if (res.status !== 201) return assertProblem(res, 403);
      const key = (res.body as { key: string }).key;
      assert.equal(
        (await call('PATCH', `/v1/users/${keyManager.user.id}`, { token: admin.token }, { disabled: true })).status,
        200,
      );
      assertProblem(await call('GET', '/v1/me', { token: keyManager.token }), 401);
      const after = await call('GET', '/v1/api-keys?limit=1', { apiKey: key });
      assert.equal(after.status, 401, `the disabled minter still has access through the key it minted for ${other.id}`);
    });

    it("rotating another user's key (which hands out a fresh secret acting as them) needs users:write", async () => {
      const keyManager = await sessionWith(app, ['api_keys:write', 'api_keys:read', 'users:read']);
      assertProblem(await call('POST', `/v1/api-keys/${othersKey}/rotate`, { token: keyManager.token }, {}), 403);
      const own = await call(
        'POST',
        '/v1/api-keys',
        { token: keyManager.token },
        { name: 'mine', scope: 'users:read' },
      );
      assert.equal(own.status, 201, 'minting for oneself needs api_keys:write only');
      const rotated = await call(
        'POST',
        `/v1/api-keys/${(own.body as { id: string }).id}/rotate`,
        { token: keyManager.token },
        {},
      );
      assert.equal(rotated.status, 201, "and so does rotating one's own key");
    });
  });

  describe('privilege escalation: nobody grants what they do not hold', () => {
    it('roles:write without users:write cannot assign admin (to itself or anyone)', async () => {
      const s = await sessionWith(app, ['roles:write', 'roles:read']);
      assertProblem(await call('PUT', `/v1/users/${s.user.id}/roles`, { token: s.token }, { roles: ['admin'] }), 403);
      assertProblem(
        await call(
          'POST',
          '/v1/users',
          { token: s.token },
          { username: `esc${Date.now()}`, password: 'Escalate-Me-12345', roles: ['admin'] },
        ),
        403,
      );
    });

    it("users:write without admin's permissions cannot assign admin", async () => {
      const s = await sessionWith(app, ['users:write', 'users:read']);
      const victim = await createUser(app);
      assertProblem(await call('PUT', `/v1/users/${s.user.id}/roles`, { token: s.token }, { roles: ['admin'] }), 403);
      assertProblem(await call('PUT', `/v1/users/${victim.id}/roles`, { token: s.token }, { roles: ['admin'] }), 403);
      assertProblem(
        await call(
          'POST',
          '/v1/users',
          { token: s.token },
          { username: `esc${Date.now()}`, password: 'Escalate-Me-12345', roles: ['admin'] },
        ),
        403,
      );
      const me = await call('GET', '/v1/me', { token: s.token });
      assert.ok(!(me.body as { roles: string[] }).roles.includes('admin'));
    });

    it('roles:write cannot create or widen a role with a permission it lacks', async () => {
      const s = await sessionWith(app, ['roles:write', 'roles:read']);
      assertProblem(
        await call(
          'POST',
          '/v1/roles',
          { token: s.token },
          { name: `esc-${Date.now()}`, permissions: ['users:write'] },
        ),
        403,
      );
      // Its own role, widened: the classic self-escalation.
      assertProblem(
        await call(
          'PATCH',
          `/v1/roles/${s.role}`,
          { token: s.token },
          { permissions: ['roles:write', 'roles:read', 'users:write'] },
        ),
        403,
      );
      // A role other users hold, widened to something the editor lacks.
      const shared = (await sessionWith(app, ['users:read'])).role;
      assertProblem(
        await call('PATCH', `/v1/roles/${shared}`, { token: s.token }, { permissions: ['users:read', 'users:write'] }),
        403,
      );
      // Built-in roles: refused either way (403, or 409 for "built-in roles cannot change").
      const builtIn = await call(
        'PATCH',
        '/v1/roles/user',
        { token: s.token },
        { permissions: ['signing_keys:write'] },
      );
      assert.ok([403, 409].includes(builtIn.status), builtIn.text);
      const me = await call('GET', '/v1/me', { token: s.token });
      assert.ok(!(me.body as { permissions: string[] }).permissions.includes('users:write'));
    });

    it('api_keys:write cannot create a key, or rotate one, beyond its own permissions', async () => {
      const s = await sessionWith(app, ['api_keys:write', 'api_keys:read']);
      assertProblem(await call('POST', '/v1/api-keys', { token: s.token }, { name: 'esc', scope: 'users:write' }), 403);
      assertProblem(
        await call('POST', '/v1/api-keys', { token: s.token }, { name: 'esc', scope: 'api_keys:write users:write' }),
        403,
      );
      // Rotating an admin's powerful key would hand the rotator a users:write secret.
      const strong = await createApiKey(app, { token: admin.token }, { name: 'strong', scope: 'users:write' });
      const rotated = await call('POST', `/v1/api-keys/${strong.id}/rotate`, { token: s.token }, {});
      assertProblem(rotated, 403);
      assert.ok(!rotated.text.includes('ak_'), 'a key was returned');
    });

    it('clients:write cannot register a client with roles beyond its permissions', async () => {
      const s = await sessionWith(app, ['clients:write', 'clients:read']);
      const body = { name: 'esc-client', confidential: true, grant_types: ['client_credentials'], roles: ['admin'] };
      const res = await call('POST', '/v1/clients', { token: s.token }, body);
      assertProblem(res, 403);
      assert.ok(!res.text.includes('cs_'), 'a client secret was returned');
    });

    it('a token cannot widen its scope: password grant or refresh asking for more is invalid_scope', async () => {
      const reader = await createUser(app, { roles: ['reader'] });
      const narrow = await login(app, reader, { scope: 'users:read' });
      const wider = await request('POST', `${app.url}/oauth/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: app.config.bootstrapClientId,
          refresh_token: narrow.refresh_token!,
          scope: 'users:read roles:read',
        }).toString(),
      });
      assertOAuthError(fromFetch(wider), 400, 'invalid_scope');
      const beyond = await request('POST', `${app.url}/oauth/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: app.config.bootstrapClientId,
          username: reader.username,
          password: reader.password,
          scope: 'users:write',
        }).toString(),
      });
      assertOAuthError(fromFetch(beyond), 400, 'invalid_scope');
    });
  });

  describe('revocation: a client only revokes its own tokens', () => {
    it('a public client cannot revoke tokens issued to another client (still 200, token untouched)', async () => {
      const victim = await login(app, await createUser(app));
      const other = await createClient(app, { confidential: false, grantTypes: ['password', 'refresh_token'] });
      for (const token of [victim.access_token, victim.refresh_token!]) {
        const res = await postForm(`${app.url}/oauth/revoke`, { client_id: other.clientId, token });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.text, '');
      }
      assert.equal(
        (await call('GET', '/v1/me', { token: victim.access_token })).status,
        200,
        'the access token was revoked by another client',
      );
      assert.equal(
        (await refresh(app, victim.refresh_token!)).status,
        200,
        'the refresh token was revoked by another client',
      );
    });
  });

  describe('the admin MFA rule', () => {
    it('a user token without otp is refused on every :write endpoint with a type ending in mfa_required', async () => {
      const pwdOnly = (await login(app, await createUser(app, { roles: ['admin'] }))).access_token;
      const target = await createUser(app);
      const writes: [string, string, unknown][] = [
        ['POST', '/v1/roles', { name: `mfa-${Date.now()}`, permissions: [] }],
        ['POST', '/v1/permissions', { name: `mfa:p${Date.now()}` }],
        ['POST', '/v1/users', { username: `mfa${Date.now()}`, password: 'Mfa-Required-12345' }],
        ['PATCH', `/v1/users/${target.id}`, { disabled: true }],
        ['PUT', `/v1/users/${target.id}/roles`, { roles: ['reader'] }],
        // Minting a credential that is exempt from the rule would bypass it: refused too.
        ['POST', '/v1/api-keys', { name: 'bypass' }],
        ['POST', '/v1/clients', { name: 'bypass', confidential: true, grant_types: ['client_credentials'] }],
        ['POST', '/v1/signing-keys/rotate', undefined],
        // Turning the second factor off needs the second factor.
        ['DELETE', '/v1/me/mfa/totp', undefined],
      ];
      for (const [method, path, body] of writes)
        assertProblem(await call(method, path, { token: pwdOnly }, body), 403, 'mfa_required');
      // Reading needs no MFA.
      assert.equal((await call('GET', '/v1/users?limit=1', { token: pwdOnly })).status, 200);
      assert.equal(
        ((await call('GET', `/v1/users/${target.id}`, { token: admin.token })).body as { disabled: boolean }).disabled,
        false,
      );
    });

    it("API keys (and their owners' MFA state) are not subject to it, as the contract says", async () => {
      const key = await createApiKey(
        app,
        { token: admin.token },
        { name: 'automation', scope: 'roles:write roles:read' },
      );
      const res = await call('POST', '/v1/roles', { apiKey: key.key }, { name: `auto-${Date.now()}`, permissions: [] });
      assert.equal(res.status, 201, res.text);
    });
  });
});
