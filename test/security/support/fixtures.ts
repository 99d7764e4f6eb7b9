import { Database } from '../../../src/database/database.service';
import { introspectorClient } from '../../factories/oauth';
import { postForm, request } from '../../support/http';
import { TestApp } from '../../support/test-app';
import { fromFetch, Res } from './contract';
import { basicAuth } from './raw-http';

/** A confidential client holding tokens:introspect, with its ready-made Basic header. */
export interface Introspector {
  clientId: string;
  secret: string;
  authorization: string;
}

export async function makeIntrospector(app: TestApp): Promise<Introspector> {
  const client = await introspectorClient(app);
  return {
    clientId: client.clientId,
    secret: client.secret!,
    authorization: basicAuth(client.clientId, client.secret!),
  };
}

/** POST /oauth/introspect as `caller`, with `token` and any extra form fields. */
export async function introspect(
  app: TestApp,
  caller: Introspector,
  token: string,
  extra: Record<string, string> = {},
): Promise<Res> {
  return fromFetch(
    await postForm(`${app.url}/oauth/introspect`, { token, ...extra }, { authorization: caller.authorization }),
  );
}

/** GET a /v1 route with a bearer token. */
export async function getWithBearer(app: TestApp, path: string, token: string): Promise<Res> {
  return fromFetch(await request('GET', `${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } }));
}

/** Every table of the public schema (the service's whole state). */
export async function publicTables(app: TestApp): Promise<string[]> {
  const rows = await app.get(Database).query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Row counts of every table: proves each one still exists and answers a SELECT. */
export async function tableCounts(app: TestApp): Promise<Record<string, number>> {
  const db = app.get(Database);
  const counts: Record<string, number> = {};
  for (const t of await publicTables(app)) {
    const [row] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${t.replace(/"/g, '""')}"`);
    counts[t] = Number(row.n);
  }
  return counts;
}

/** Tables that must survive every attack (the core of the schema). */
export const CORE_TABLES = [
  'users',
  'user_roles',
  'clients',
  'client_roles',
  'roles',
  'permissions',
  'role_permissions',
  'refresh_tokens',
  'api_keys',
  'revocations',
  'signing_keys',
  'audit_events',
  'audit_seals',
];
