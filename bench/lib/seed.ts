import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { generateSecret, sha256 } from '../../src/common/crypto/secrets';
import { bcryptInput } from '../../src/users/password';
import { normalizeUsername, usernameKey } from '../../src/users/username';
import { BenchDatabase } from './database';

export interface SeededClient {
  clientId: string;
  secret: string;
}

export interface SeededUser {
  username: string;
  password: string;
}

export const INTROSPECTOR_ROLE = 'bench_introspector';
/** A receiving service that both introspects and has request signatures checked. */
export const VERIFIER_ROLE = 'bench_verifier';

/**
 * A confidential client written straight into the migrated schema (tables of
 * migrations/1763856000000-InitialSchema.ts): secret stored as SHA-256 bytea,
 * like src/common/crypto/secrets.ts does for the service's own clients.
 */
export async function seedClient(db: BenchDatabase, clientId: string, roles: string[]): Promise<SeededClient> {
  const secret = generateSecret('cs_');
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO clients (client_id, name, confidential, grant_types, secret_hash)
     VALUES ($1, $1, true, '{client_credentials}', $2) RETURNING id`,
    [clientId, sha256(secret)],
  );
  if (roles.length > 0) {
    await db.query('INSERT INTO client_roles (client_id, role_name) SELECT $1, unnest($2::text[])', [row.id, roles]);
  }
  return { clientId, secret };
}

/** A custom role holding only `permissions`: the least a resource server needs for its calls. */
export async function seedRole(db: BenchDatabase, name: string, permissions: string[]): Promise<void> {
  await db.query(`INSERT INTO roles (name, description) VALUES ($1, 'benchmark caller')`, [name]);
  await db.query('INSERT INTO role_permissions (role_name, permission_name) SELECT $1, unnest($2::text[])', [
    name,
    permissions,
  ]);
}

/**
 * `count` users sharing one password, hashed once at `cost` exactly as the
 * service hashes (bcrypt over bcryptInput: base64 SHA-256 of the NFKC form).
 */
export async function seedUsers(db: BenchDatabase, prefix: string, count: number, cost: number): Promise<SeededUser[]> {
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  const hash = await bcrypt.hash(bcryptInput(password), cost);
  const users = Array.from({ length: count }, (_, i) => ({ username: `${prefix}${i}`, password }));
  const names = users.map((u) => normalizeUsername(u.username));
  const keys = users.map((u) => usernameKey(u.username));
  await db.query(
    `WITH created AS (
       INSERT INTO users (username, username_key, password_hash)
       SELECT name, key, $3 FROM unnest($1::text[], $2::text[]) AS t(name, key) RETURNING id)
     INSERT INTO user_roles (user_id, role_name) SELECT id, 'user' FROM created`,
    [names, keys, hash],
  );
  return users;
}
