import { Logger } from '@nestjs/common';
import { loadExampleConfig } from './config';
import { startResourceService } from './start';

const logger = new Logger('resource-service');

async function main(): Promise<void> {
  const { url } = await startResourceService(loadExampleConfig());
  logger.log(`listening on ${url}`);
}

// A bad variable or an unreachable issuer: one line naming the cause, exit 1, no stack trace.
main().catch((err: unknown) => {
  logger.error(err instanceof Error ? `${err.name}: ${err.message}` : 'start failed');
  process.exit(1);
});
