import { BenchContext, log } from './context';
import { basicAuth, expectStatus, mapLimit, postForm, postJson } from './http';
import { SeededClient } from './seed';

export const FORM = 'application/x-www-form-urlencoded';
/** Setup requests in flight at once: enough to keep both cores busy, few enough not to time out. */
const SETUP_CONCURRENCY = 16;

export function introspectionHeaders(ctx: BenchContext): Record<string, string> {
  const { clientId, secret } = ctx.seeded.introspector;
  return { 'content-type': FORM, ...basicAuth(clientId, secret) };
}

export const introspectBody = (token: string): string => `token=${encodeURIComponent(token)}`;

/** A caller presenting its own access token (the reference's caller kind: the like-for-like rows). */
export const bearerHeaders = (callerToken: string): Record<string, string> => ({
  'content-type': FORM,
  authorization: `Bearer ${callerToken}`,
});

/**
 * The introspector calling with its own access token, as the reference's
 * caller does: the headers of every row whose target is a ratio to the
 * reference, so those rows compare like with like (Basic is a row of its own).
 */
export async function bearerCallerHeaders(ctx: BenchContext): Promise<Record<string, string>> {
  return bearerHeaders(await clientToken(ctx.service.url, ctx.seeded.introspector));
}

export async function clientToken(url: string, client: SeededClient): Promise<string> {
  const res = await postForm(
    `${url}/oauth/token`,
    { grant_type: 'client_credentials' },
    basicAuth(client.clientId, client.secret),
  );
  return String(expectStatus('client_credentials grant', res).json.access_token);
}

/** `count` distinct access tokens of the bench client, minted once per run and label. */
export function clientTokens(ctx: BenchContext, label: string, count: number): Promise<string[]> {
  return ctx.memo(`tokens:${label}:${count}`, async () => {
    const started = Date.now();
    const tokens = await mapLimit(Array.from({ length: count }), SETUP_CONCURRENCY, () =>
      clientToken(ctx.service.url, ctx.seeded.cc),
    );
    log(`minted ${count} access tokens (${label}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return tokens;
  });
}

/** RFC 7009 by the client the token was issued to. */
export async function revoke(url: string, client: SeededClient, token: string): Promise<void> {
  expectStatus('revoke', await postForm(`${url}/oauth/revoke`, { token }, basicAuth(client.clientId, client.secret)));
}

/** One refresh token per password login (public client, bcrypt cost 10 users), spread over the users. */
export async function refreshChains(ctx: BenchContext, count: number): Promise<string[]> {
  const users = ctx.seeded.refreshUsers;
  const started = Date.now();
  const tokens = await mapLimit(Array.from({ length: count }), 8, async (_, i) => {
    const user = users[i % users.length];
    const res = await postForm(`${ctx.service.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'cli',
      username: user.username,
      password: user.password,
    });
    return String(expectStatus('password grant', res).json.refresh_token);
  });
  log(`seeded ${count} refresh chains by password login in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return tokens;
}

/**
 * API keys through the public API, owned by the admin client: the storage
 * format stays the api-keys module's business, so this keeps working when it
 * changes. A client token needs no MFA for /v1 writes (API.md).
 */
export function apiKeys(ctx: BenchContext, count: number): Promise<string[]> {
  return ctx.memo(`api-keys:${count}`, async () => {
    const started = Date.now();
    const bearer = { authorization: `Bearer ${await clientToken(ctx.service.url, ctx.seeded.admin)}` };
    const keys = await mapLimit(Array.from({ length: count }), SETUP_CONCURRENCY, async (_, i) => {
      const res = await postJson(`${ctx.service.url}/v1/api-keys`, { name: `bench-${i}`, scope: 'users:read' }, bearer);
      return String(expectStatus('create API key', res, 201).json.key);
    });
    log(`created ${count} API keys in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return keys;
  });
}
