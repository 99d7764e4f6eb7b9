import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Boots PGlite on `dataDir/pg` and serves it over the PostgreSQL wire
 * protocol on a loopback port (DESIGN.md decision 9), so the service uses
 * the same `pg` driver and migrations as against a real server. PGlite is a
 * single session: callers must use a pool of one connection.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = resolve(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 1 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  logger.warn(
    { dataDir: dir },
    'DATABASE_URL is not set: running on the embedded PostgreSQL (PGlite). ' +
      'For development only; set DATABASE_URL in production.',
  );
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
