import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';

/** Migrations are compiled next to the code: dist/migrations/*.js. */
const MIGRATIONS_GLOB = join(__dirname, '..', '..', 'migrations', '*.js');

export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 },
  };
}

/** Arbitrary constant: one migration run at a time across instances starting together. */
const MIGRATION_LOCK = 727_274_001;

/**
 * Runs pending migrations under a session advisory lock so concurrent
 * instances do not race. The embedded database is one instance on one
 * connection: holding a lock connection there would starve the migration.
 */
export async function runMigrationsLocked(dataSource: DataSource, singleConnection = false): Promise<string[]> {
  if (singleConnection) {
    return (await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name);
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}
