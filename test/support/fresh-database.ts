import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '../../src/database/data-source-options';

export interface FreshDatabase {
  url: string;
  /** A plain connection for the test's own SQL (tampering, fault injection). */
  sql: Client;
  drop(): Promise<void>;
}

/**
 * A migrated database of its own, on the test server, for suites that must
 * own a whole table (the audit chain): the shared e2e database has other
 * suites writing audit rows concurrently.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const shared = process.env.TEST_DATABASE_URL;
  if (!shared) throw new Error('TEST_DATABASE_URL is not set: run the e2e tests through `npm run test:e2e`');
  const name = `auth_test_own_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: shared });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const ds = await new DataSource(dataSourceOptions(url.toString(), 2)).initialize();
  await runMigrationsLocked(ds);
  await ds.destroy();
  const sql = new Client({ connectionString: url.toString() });
  await sql.connect();
  return {
    url: url.toString(),
    sql,
    drop: async () => {
      await sql.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
