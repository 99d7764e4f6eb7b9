import { DataSource } from 'typeorm';
import { configFromProcessEnv } from '../config/config.module';
import { resolveRuntime } from './resolve-runtime';
import { createRootLogger } from '../common/logging/logger';
import { dataSourceOptions, runMigrationsLocked } from './data-source-options';

/** `npm run migration:run` / `migration:revert`, against DATABASE_URL or the embedded database. */
async function main(): Promise<void> {
  const command = process.argv[2];
  const config = configFromProcessEnv();
  const logger = createRootLogger(config.logLevel);
  const runtime = await resolveRuntime(config, logger);
  // The lock holds one connection while the migrations run on another; embedded PGlite has only one.
  const dataSource = new DataSource(dataSourceOptions(runtime.databaseUrl, runtime.embedded ? 1 : 2));
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const ran = await runMigrationsLocked(dataSource, runtime.embedded);
      process.stdout.write(ran.length ? `ran: ${ran.join(', ')}\n` : 'no pending migrations\n');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'all' });
      process.stdout.write('reverted the last migration\n');
    } else {
      throw new Error('usage: cli.js run|revert');
    }
  } finally {
    await dataSource.destroy();
    await runtime.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : 'migration failed'}\n`);
  process.exit(1);
});
