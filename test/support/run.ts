/**
 * Test runner: `node .build/test/test/support/run.js unit|e2e|embedded`
 * (`npm run build:test` compiles it; the production build in dist/ holds no tests).
 *
 * - unit:     every <out>/src/**\/*.spec.js, and <out>/test/**\/*.spec.js (checks that
 *             need no service, such as the docs' links)
 * - e2e:      creates a fresh database on the PostgreSQL server
 *             (TEST_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 *             runs the migrations once, runs every <out>/test/**\/*.e2e-spec.js
 *             against it, and drops it, pass or fail. Needs Redis on
 *             127.0.0.1:6379 for the rate-limit suite: checked first, so a
 *             missing Redis is one clear line, not a dozen timeouts.
 * - embedded: the core e2e files with no DATABASE_URL: each boots PGlite.
 * An optional third argument keeps only files whose path contains it
 * (`run.js e2e api-keys`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '../../src/database/data-source-options';

const DIST = join(__dirname, '..', '..');
const EMBEDDED_FILES = ['oauth-token.e2e-spec.js', 'discovery-jwks.e2e-spec.js', 'readme-recipe.e2e-spec.js'];

function find(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : find(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

/**
 * Runs node's test runner on `files`. Asynchronous, so that a SIGINT or
 * SIGTERM to this runner (Ctrl-C, a CI timeout) stops the tests and still
 * lets the caller drop its database.
 */
function runNodeTest(files: string[], env: NodeJS.ProcessEnv, concurrency: number): Promise<number> {
  if (files.length === 0) throw new Error('no test files found');
  const args = ['--test', `--test-concurrency=${concurrency}`, ...files];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** The rate-limit and *-redis suites need a real Redis; say so plainly when there is none. */
async function requireRedis(): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(
      `The e2e suites need Redis at ${TEST_REDIS_URL} (rate limits shared by several instances) and none answers.\n` +
        'Start one (e.g. `redis-server --port 6379 --save ""`), or run `bash .ci/run`, which starts it.',
    );
  } finally {
    redis.disconnect();
  }
}

async function withDatabase(run: (url: string) => Promise<number>): Promise<number> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `auth_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    const ds = await new DataSource(dataSourceOptions(url.toString(), 2)).initialize();
    await runMigrationsLocked(ds);
    await ds.destroy();
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const filter = process.argv[3];
  const keep = (files: string[]): string[] => (filter ? files.filter((f) => f.includes(filter)) : files);
  // One key-encryption key for every process of the run: they share the database's signing keys.
  const baseEnv = { ...process.env, NODE_ENV: 'test', TEST_KEK: randomBytes(32).toString('base64') };
  let status: number;
  if (mode === 'unit') {
    // Specs beside the code, plus repository checks in test/ that need no service (docs links).
    const specs = [...find(join(DIST, 'src'), '.spec.js'), ...find(join(DIST, 'test'), '.spec.js')];
    status = await runNodeTest(keep(specs.filter((f) => !f.endsWith('.e2e-spec.js'))), baseEnv, 2);
  } else if (mode === 'e2e') {
    const files = keep(find(join(DIST, 'test'), '.e2e-spec.js'));
    if (files.some((f) => f.includes('rate-limit') || f.includes('-redis.'))) await requireRedis();
    status = await withDatabase((url) => runNodeTest(files, { ...baseEnv, TEST_DATABASE_URL: url }, 2));
  } else if (mode === 'embedded') {
    const files = find(join(DIST, 'test'), '.e2e-spec.js').filter((f) => EMBEDDED_FILES.some((e) => f.endsWith(e)));
    status = await runNodeTest(files, { ...baseEnv, TEST_EMBEDDED: '1' }, 1);
  } else {
    throw new Error('usage: run.js unit|e2e|embedded');
  }
  process.exit(status);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
