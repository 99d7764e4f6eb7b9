import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '../../../src/database/data-source-options';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * The service on a database of its own. The e2e files of a run share one
 * database and run side by side, so a suite that asserts "these row counts
 * did not change" needs its own, or another file's writes would fail it.
 * The database is dropped when the app closes.
 */
export async function startIsolatedApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const shared = process.env.TEST_DATABASE_URL;
  if (!shared) throw new Error('TEST_DATABASE_URL is not set: run the e2e tests through `npm run test:e2e`');
  const adminUrl = new URL(shared);
  adminUrl.pathname = '/postgres';
  const name = `auth_sec_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const drop = async (): Promise<void> => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  try {
    const ds = await new DataSource(dataSourceOptions(url.toString(), 2)).initialize();
    await runMigrationsLocked(ds);
    await ds.destroy();
    const app = await startTestApp({ ...overrides, DATABASE_URL: url.toString() });
    return {
      ...app,
      close: async () => {
        await app.close();
        await drop();
      },
    };
  } catch (err) {
    await drop();
    throw err;
  }
}
