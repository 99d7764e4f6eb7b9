import { randomBytes } from 'node:crypto';
import { generateSecret, sha256 } from '../../src/common/crypto/secrets';
import { ClientsRepository } from '../../src/clients/clients.repository';
import { GrantType } from '../../src/clients/client.types';
import { Database } from '../../src/database/database.service';
import { MfaSecrets } from '../../src/mfa/mfa-secrets.service';
import { currentStep, newTotpSecret, totpAt } from '../../src/mfa/totp';
import { PasswordHasher } from '../../src/users/password-hasher.service';
import { normalizeUsername, usernameKey, usernameSkeleton } from '../../src/users/username';
import { UsersRepository } from '../../src/users/users.repository';
import { postForm, HttpResult } from '../support/http';
import { TestApp } from '../support/test-app';

export function unique(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  totpSecret?: string;
}

/** A user written straight to the database (with roles, optionally with TOTP enabled). */
export async function createUser(
  app: TestApp,
  opts: { username?: string; password?: string; roles?: string[]; email?: string; mfa?: boolean } = {},
): Promise<TestUser> {
  const username = opts.username ?? unique('user_');
  const password = opts.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const db = app.get(Database);
  const hash = await app.get(PasswordHasher).hash(password);
  const user = await db.transaction((tx) =>
    app.get(UsersRepository).insert(tx, {
      username: normalizeUsername(username),
      key: usernameKey(username),
      skeleton: usernameSkeleton(username),
      email: opts.email ?? null,
      passwordHash: hash,
      roles: opts.roles ?? ['user'],
    }),
  );
  let totpSecret: string | undefined;
  if (opts.mfa) {
    totpSecret = newTotpSecret();
    await db.query('UPDATE users SET mfa_enabled = true, mfa_secret_enc = $2 WHERE id = $1', [
      user.id,
      app.get(MfaSecrets).seal(user.id, totpSecret),
    ]);
  }
  return { id: user.id, username, password, totpSecret };
}

/** A TOTP code for `secret`, `offset` steps from now. */
export function totp(secret: string, offset = 0): string {
  return totpAt(secret, currentStep() + offset);
}

export interface TestClient {
  id: string;
  clientId: string;
  secret?: string;
}

export async function createClient(
  app: TestApp,
  opts: { confidential?: boolean; grantTypes?: GrantType[]; roles?: string[]; clientId?: string } = {},
): Promise<TestClient> {
  const confidential = opts.confidential ?? true;
  const secret = confidential ? generateSecret('cs_') : undefined;
  const clientId = opts.clientId ?? unique('svc_');
  const row = await app.get(Database).transaction((tx) =>
    app.get(ClientsRepository).insert(tx, {
      clientId,
      name: clientId,
      confidential,
      grantTypes: opts.grantTypes ?? (confidential ? ['client_credentials'] : ['password', 'refresh_token']),
      secretHash: secret ? sha256(secret) : null,
      roles: opts.roles ?? [],
    }),
  );
  return { id: row.id, clientId, secret };
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  error?: string;
  error_description?: string;
}

export function passwordGrant(
  app: TestApp,
  user: { username: string; password: string },
  extra: Record<string, string> = {},
): Promise<HttpResult<TokenBody>> {
  return postForm<TokenBody>(`${app.url}/oauth/token`, {
    grant_type: 'password',
    client_id: app.config.bootstrapClientId,
    username: user.username,
    password: user.password,
    ...extra,
  });
}

/** Logs in and returns the token response, failing loudly if the login did not succeed. */
export async function login(app: TestApp, user: TestUser, extra: Record<string, string> = {}): Promise<TokenBody> {
  const otp: Record<string, string> = user.totpSecret && !extra.otp ? { otp: totp(user.totpSecret) } : {};
  const res = await passwordGrant(app, user, { ...otp, ...extra });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body;
}

/** An admin with TOTP enabled, logged in with `otp`: passes the admin MFA rule. */
export async function adminSession(app: TestApp, roles = ['admin']): Promise<{ user: TestUser; token: string }> {
  const user = await createUser(app, { roles, mfa: true });
  const body = await login(app, user);
  return { user, token: body.access_token };
}

export interface AuditRow {
  event_type: string;
  outcome: string;
  actor_type: string;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export async function auditRows(app: TestApp, where: string, params: unknown[]): Promise<AuditRow[]> {
  return app.get(Database).query<AuditRow>(`SELECT * FROM audit_events WHERE ${where} ORDER BY id`, params);
}
