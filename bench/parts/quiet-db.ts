import { log } from '../lib/context';
import { clientToken, introspectBody, introspectionHeaders } from '../lib/fixtures';
import { PgCountingProxy, StatementCounts } from '../lib/pg-counting-proxy';
import { sleep } from '../lib/processes';
import { ServiceInstance } from '../lib/service';
import { Part } from './part';

/** "SELECT 1 x5, COMMIT x2" - the statements of a window, most frequent first. */
function describe(c: StatementCounts, max = 4): string {
  const top = Object.entries(c.bySql)
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([sql, n]) => `"${sql.slice(0, 40)}" x${n}`);
  return top.length === 0 ? 'none' : top.join(', ');
}

/**
 * (7) No database query on path 1 in steady state. A dedicated instance
 * talks to PostgreSQL through a counting proxy (every Query/Execute message,
 * with its SQL), so the count is exact and covers only that instance; the
 * server's pg_stat_database counters are flushed by backends up to ~10 s
 * late and mix in every other connection. After a warm-up, the statements
 * sent during a window of path-1 load are compared with an idle window of
 * the same length (the LISTEN connection's heartbeat shows up in both).
 */
export const quietDatabase: Part = {
  id: 'no-db',
  title: 'no database query on path 1',
  needs: ['introspect'],
  async run(ctx) {
    const target = new URL(ctx.settings.databaseUrl);
    const proxy = await PgCountingProxy.start(target.hostname, Number(target.port || 5432));
    const counted = await ServiceInstance.start('instance C (counted)', {
      ...ctx.settings,
      databaseUrl: proxy.urlFor(ctx.settings.databaseUrl),
    });
    try {
      const token = await clientToken(ctx.service.url, ctx.seeded.cc);
      const spec = {
        url: counted.url,
        path: '/oauth/introspect',
        method: 'POST' as const,
        headers: introspectionHeaders(ctx),
        body: introspectBody(token),
      };
      await ctx.load({
        ...spec,
        title: 'path 1 warm-up (counted instance)',
        duration: Math.max(ctx.options.warmup, 2),
        warmup: 0,
      });
      const before = proxy.snapshot();
      const started = Date.now();
      const load = await ctx.load({
        ...spec,
        title: 'path 1 (counted instance)',
        warmup: 0,
        expectInBody: '"active":true',
      });
      const during = PgCountingProxy.diff(before, proxy.snapshot());
      const windowMs = Date.now() - started;
      const idleStart = proxy.snapshot();
      await sleep(windowMs);
      const idle = PgCountingProxy.diff(idleStart, proxy.snapshot());
      const excess = during.total - idle.total;
      log(
        `no-db: ${load.ok} introspections; statements during load: ${during.total} (${describe(during)}); ` +
          `idle ${windowMs} ms: ${idle.total}`,
      );
      ctx.raw['no-db statements'] = { windowMs, requests: load.ok, during, idle };
      return [
        {
          id: 'no-db',
          label: '(7) SQL statements during path-1 load',
          load,
          figures:
            `${during.total} statements during ${load.ok} requests (${describe(during)}); ` +
            `idle window: ${idle.total}`,
          target: { text: 'excess over idle ~0' },
          // A heartbeat may fall on either side of a window edge.
          pass: excess <= 2,
        },
      ];
    } finally {
      await counted.stop();
      await proxy.close();
    }
  },
};
