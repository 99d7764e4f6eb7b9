import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { AppConfig } from './app-config';
import { ConfigError } from './env-reader';

/** What start-up resolved beyond the plain configuration. */
export class Runtime {
  constructor(
    readonly databaseUrl: string,
    readonly embedded: boolean,
    readonly keyEncryptionKey: Buffer,
    readonly close: () => Promise<void>,
  ) {}
}

/**
 * Outside production a missing KEY_ENCRYPTION_KEY is generated once into the
 * data folder (mode 0600) and reused, with a warning: fine for a laptop,
 * never for a fleet (production refuses to start without one).
 */
export function resolveKeyEncryptionKey(config: AppConfig, logger: Logger): Buffer {
  if (config.keyEncryptionKey) return config.keyEncryptionKey;
  const dir = resolve(config.dataDir);
  const file = resolve(dir, 'key-encryption-key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError('KEY_ENCRYPTION_KEY', `file ${file} does not hold 32 bytes of base64`);
    logger.warn({ file }, 'KEY_ENCRYPTION_KEY is not set: using the key generated earlier in the data folder');
    return key;
  }
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  logger.warn(
    { file },
    'KEY_ENCRYPTION_KEY is not set: generated one into the data folder. Set it explicitly outside development.',
  );
  return key;
}
