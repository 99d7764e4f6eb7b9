import { Logger } from '@nestjs/common';
import { loadExampleConfig } from './config';
import { startResourceService } from './start';

startResourceService(loadExampleConfig())
  .then(({ url }) => new Logger('resource-service').log(`listening on ${url}`))
  .catch((err: unknown) => {
    new Logger('resource-service').error(err instanceof Error ? err.message : 'start failed');
    process.exit(1);
  });
