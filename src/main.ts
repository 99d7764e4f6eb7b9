import 'reflect-metadata';
import { createApp } from './app.factory';
import { createRootLogger } from './common/logging/logger';
import { configFromProcessEnv } from './config/config.module';

async function main(): Promise<void> {
  let config;
  try {
    config = configFromProcessEnv();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const logger = createRootLogger(config.logLevel);
  const started = await createApp(config);
  await started.app.listen({ port: config.port, host: config.host });
  logger.info(
    { port: config.port, issuer: config.issuer, embedded: started.runtime.embedded },
    'auth service listening',
  );
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down');
    await started.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : 'unknown error'}\n`);
  process.exit(1);
});
