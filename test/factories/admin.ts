import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { HttpResult, postForm } from '../support/http';
import { TestApp } from '../support/test-app';
import { createClient, createUser, login, TestClient, TestUser, TokenBody, unique } from './index';

/** A custom role written with SQL (tests of other endpoints should not depend on the roles API). */
export async function roleWith(app: TestApp, permissions: string[]): Promise<string> {
  const name = unique('role_');
  const db = app.get(Database);
  await db.query('INSERT INTO roles (name) VALUES ($1)', [name]);
  if (permissions.length > 0) {
    await db.query('INSERT INTO role_permissions (role_name, permission_name) SELECT $1, unnest($2::text[])', [
      name,
      permissions,
    ]);
  }
  app.get(PermissionCache).invalidate();
  return name;
}

/**
 * A user holding exactly `permissions` (through one custom role), logged in.
 * With `mfa` (default true) the token has otp in amr and passes the admin MFA rule.
 */
export async function sessionWith(
  app: TestApp,
  permissions: string[],
  opts: { mfa?: boolean } = {},
): Promise<{ user: TestUser; token: string; role: string }> {
  const role = await roleWith(app, permissions);
  const user = await createUser(app, { roles: [role], mfa: opts.mfa ?? true });
  return { user, token: (await login(app, user)).access_token, role };
}

/** A confidential client_credentials client holding `permissions`, and a token of it. */
export async function clientSessionWith(
  app: TestApp,
  permissions: string[],
): Promise<{ client: TestClient; token: string }> {
  const client = await createClient(app, { roles: [await roleWith(app, permissions)] });
  const res = await clientCredentials(app, client.clientId, client.secret!);
  assert.equal(res.status, 200, res.text);
  return { client, token: res.body.access_token };
}

export function clientCredentials(
  app: TestApp,
  clientId: string,
  secret: string,
  extra: Record<string, string> = {},
): Promise<HttpResult<TokenBody>> {
  return postForm<TokenBody>(`${app.url}/oauth/token`, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    ...extra,
  });
}

/** Asserts an RFC 9457 problem with every contract field; `slug` checks the end of `type`. */
export function assertProblem(res: HttpResult<unknown>, status: number, slug?: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = res.body as Record<string, unknown>;
  for (const field of ['type', 'title', 'status', 'detail', 'request_id'])
    assert.ok(field in body, `problem lacks ${field}: ${res.text}`);
  assert.equal(body.status, status);
  assert.equal(body.request_id, res.headers.get('x-request-id'));
  if (slug) assert.ok(String(body.type).endsWith(slug), `type ${String(body.type)} should end in ${slug}`);
}

/** A 400 problem whose `errors` name `field`. */
export function assertValidation(res: HttpResult<unknown>, field: string): void {
  assertProblem(res, 400);
  const errors = (res.body as Record<string, unknown>).errors as { field: string; message: string }[] | undefined;
  assert.ok(Array.isArray(errors) && errors.some((e) => e.field === field), `errors should name ${field}: ${res.text}`);
}

/** The body text must not hold any of `secrets` (nor their common encodings). */
export function assertNoSecret(text: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), 'a secret leaked into a response or row');
}
