import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, CreateAppOptions, StartedApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export interface TestApp {
  url: string;
  config: AppConfig;
  started: StartedApp;
  get<T>(type: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/** One key for the whole test process, so several instances share signing keys. */
const KEK = randomBytes(32).toString('base64');

/** The environment every test app starts with; tests override what they exercise. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BCRYPT_COST: '10',
    KEY_ENCRYPTION_KEY: process.env.TEST_KEK ?? KEK,
    RATE_LIMIT_TOKEN_PER_IP: '1000000',
    RATE_LIMIT_TOKEN_PER_USERNAME: '1000000',
    RATE_LIMIT_ADMIN_PER_PRINCIPAL: '1000000',
    RATE_LIMIT_INTROSPECT_PER_CALLER: '100000000',
    // No PORT: startTestApp binds port 0 itself and sets the issuer to the port it got.
    HOST: '127.0.0.1',
  };
  if (process.env.TEST_EMBEDDED) {
    env.DATA_DIR = mkdtempSync(join(tmpdir(), 'auth-embedded-'));
  } else {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set: run the e2e tests through `npm run test:e2e`');
    env.DATABASE_URL = url;
  }
  return { ...env, ...overrides };
}

/** Starts the whole service in-process on a random loopback port. */
export async function startTestApp(
  overrides: Record<string, string> = {},
  options: CreateAppOptions = {},
): Promise<TestApp> {
  const env = testEnv(overrides);
  const config = loadConfig(env);
  const started = await createApp(config, options);
  await started.app.listen({ port: 0, host: '127.0.0.1' });
  const address = started.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // The issuer must match the address clients use (discovery, iss checks).
  const scheme = config.tls ? 'https' : 'http';
  if (!overrides.ISSUER) {
    (config as { issuer: string }).issuer = `${scheme}://127.0.0.1:${port}`;
    (config as { accessTokenAudience: string }).accessTokenAudience = overrides.ACCESS_TOKEN_AUDIENCE ?? config.issuer;
  }
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    config,
    started,
    get: <T>(type: abstract new (...args: never[]) => T): T => started.app.get(type as never, { strict: false }) as T,
    close: () => started.close(),
  };
}
