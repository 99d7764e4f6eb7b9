import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { resolveKeyEncryptionKey, Runtime } from '../config/runtime';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Picks the database (DATABASE_URL or the embedded one) and the key
 * encryption key. It lives here, not in config/, because starting the
 * embedded database is the database module's business: config stays the
 * bottom layer and imports no other folder.
 */
export async function resolveRuntime(config: AppConfig, logger: Logger): Promise<Runtime> {
  const key = resolveKeyEncryptionKey(config, logger);
  if (config.databaseUrl) {
    return new Runtime(config.databaseUrl, false, key, async () => undefined);
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, logger);
  return new Runtime(embedded.url, true, key, () => embedded.stop());
}
