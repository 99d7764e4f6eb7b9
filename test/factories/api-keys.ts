import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { RevocationService } from '../../src/revocation/revocation.service';
import { HttpResult, request } from '../support/http';
import { TestApp } from '../support/test-app';

export interface ApiKeyBody {
  id: string;
  key: string;
  prefix: string;
  name: string;
  scope: string;
  owner_type: string;
  owner_id: string;
  expires_at: string | null;
  created_at: string;
  previous_key_id?: string;
  previous_key_expires_at?: string;
}

export interface Auth {
  token?: string;
  apiKey?: string;
}

export function postApiKey(
  app: TestApp,
  auth: Auth,
  body: Record<string, unknown>,
): Promise<HttpResult<ApiKeyBody & Record<string, unknown>>> {
  return request(`POST`, `${app.url}/v1/api-keys`, { ...auth, json: body });
}

/** Creates a key through the API and fails loudly unless it answered 201. */
export async function createApiKey(app: TestApp, auth: Auth, body: Record<string, unknown> = {}): Promise<ApiKeyBody> {
  const res = await postApiKey(app, auth, { name: 'test key', ...body });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

export function rotateApiKey(
  app: TestApp,
  auth: Auth,
  id: string,
  body: Record<string, unknown> = {},
): Promise<HttpResult<ApiKeyBody>> {
  return request('POST', `${app.url}/v1/api-keys/${id}/rotate`, { ...auth, json: body });
}

/** A cheap authenticated call made with the key: 200 while it works (with api_keys:read), 401 once it does not. */
export async function useKey(app: TestApp, key: string): Promise<number> {
  return (await request('GET', `${app.url}/v1/api-keys?limit=1`, { apiKey: key })).status;
}

/** Polls `check` until it is true; the elapsed milliseconds, or a failure after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Disables a user the way the service does: the flag, plus the `user_off` revocation entry (fanned out). */
export async function disableUser(app: TestApp, userId: string): Promise<void> {
  await app.get(Database).transaction(async (tx) => {
    await tx.query('UPDATE users SET disabled = true WHERE id = $1', [userId]);
    await app.get(RevocationService).revoke(tx, { kind: 'user_off', subject: userId, expiresAt: null });
  });
}

/** Deletes a client the way the service does: soft delete plus the `client` revocation entry. */
export async function deleteClient(app: TestApp, clientUuid: string, clientId: string): Promise<void> {
  await app.get(Database).transaction(async (tx) => {
    await tx.query('UPDATE clients SET deleted_at = now() WHERE id = $1', [clientUuid]);
    await app.get(RevocationService).revoke(tx, { kind: 'client', subject: clientId, expiresAt: null });
  });
}
