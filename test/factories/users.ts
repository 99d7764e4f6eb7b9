import { Database } from '../../src/database/database.service';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { HttpResult, postForm, request } from '../support/http';
import { TestApp } from '../support/test-app';
import { createUser, login, TestUser, TokenBody, totp, unique } from './index';

/** A /v1 call with a JSON body (when given) and a bearer token (when given). */
export function v1<T = Record<string, unknown>>(
  app: TestApp,
  method: string,
  path: string,
  token?: string,
  json?: unknown,
): Promise<HttpResult<T>> {
  return request<T>(method, `${app.url}${path}`, { token, json });
}

/** A user without MFA, logged in with its password only (`amr: ["pwd"]`). */
export async function passwordSession(
  app: TestApp,
  roles = ['user'],
): Promise<{ user: TestUser; token: string; tokens: TokenBody }> {
  const user = await createUser(app, { roles });
  const tokens = await login(app, user);
  return { user, token: tokens.access_token, tokens };
}

/** A role written straight to the database; the local permission cache is told, as a cluster event would. */
export async function createRole(app: TestApp, permissions: string[], name = unique('role_')): Promise<string> {
  const db = app.get(Database);
  await db.query('INSERT INTO roles (name, description) VALUES ($1, $2)', [name, 'test role']);
  if (permissions.length > 0) {
    await db.query('INSERT INTO role_permissions (role_name, permission_name) SELECT $1, unnest($2::text[])', [
      name,
      permissions,
    ]);
  }
  app.get(PermissionCache).invalidate();
  return name;
}

export function refresh(app: TestApp, refreshToken: string): Promise<HttpResult<TokenBody>> {
  return postForm<TokenBody>(`${app.url}/oauth/token`, {
    grant_type: 'refresh_token',
    client_id: app.config.bootstrapClientId,
    refresh_token: refreshToken,
  });
}

/** Enrols TOTP through the API; the confirming code is the current one (so it is spent). */
export async function enrolTotp(app: TestApp, token: string): Promise<{ secret: string; confirmCode: string }> {
  const start = await v1<{ secret: string }>(app, 'POST', '/v1/me/mfa/totp', token);
  if (start.status !== 201) throw new Error(`enrolment start failed: ${start.status} ${start.text}`);
  const confirmCode = totp(start.body.secret);
  const confirm = await v1(app, 'POST', '/v1/me/mfa/totp/confirm', token, { code: confirmCode });
  if (confirm.status !== 204) throw new Error(`enrolment confirm failed: ${confirm.status} ${confirm.text}`);
  return { secret: start.body.secret, confirmCode };
}

/**
 * Revocation cutoffs have one-second resolution (JWT `iat`): a token issued
 * in the same second as a cutoff is dead too. Tests that log in again right
 * after a re-enable wait for the next second.
 */
export async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

export function decodeClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}
