/**
 * Benchmark harness: `npm run bench -- [--only=cc,refresh] [...]` (see --help).
 *
 * One run: a fresh PostgreSQL database, migrated by the service's own migration
 * runner and seeded by SQL; the bare node:http baseline measured alone; the production
 * build started alone (NODE_ENV=production) and loaded by autocannon from
 * separate processes; the baseline measured again; ratios against the mean
 * baseline; the database dropped, pass or fail.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { measureBaseline } from './baseline/run-baseline';
import { comparison, ComparisonRound, measureComparisonRound } from './lib/compare-loads';
import { Comparators } from './lib/comparators';
import { clientToken } from './lib/fixtures';
import { BenchContext, log } from './lib/context';
import { BenchDatabase } from './lib/database';
import { BenchOptions, parseOptions, USAGE } from './lib/options';
import { PATHS } from './lib/paths';
import { PgCountingProxy } from './lib/pg-counting-proxy';
import { Child, freePort } from './lib/processes';
import { migrate, routeExists, ServiceInstance, ServiceSettings } from './lib/service';
import { seedAll } from './lib/setup';
import { GROUPS, PARTS, selectParts } from './parts';
import { Feature, Part, Row } from './parts/part';
import { Baseline, kindOf, tableLines } from './report/summary';
import { publish } from './report/write';

async function detectFeatures(url: string): Promise<Record<Feature, boolean>> {
  return {
    introspect: await routeExists(`${url}/oauth/introspect`),
    revoke: await routeExists(`${url}/oauth/revoke`),
    apiKeys: await routeExists(`${url}/v1/api-keys`, 'application/json'),
  };
}

/** A counting proxy in front of the database, and the database URL that goes through it. */
async function proxyFor(databaseUrl: string): Promise<{ proxy: PgCountingProxy; url: string }> {
  const target = new URL(databaseUrl);
  const proxy = await PgCountingProxy.start(target.hostname, Number(target.port || 5432));
  return { proxy, url: proxy.urlFor(databaseUrl) };
}

/** Measures one round of the reference and the peers (the run's comparison points). */
type Round = () => Promise<ComparisonRound>;

/**
 * Runs the parts. With `round`, the reference and the peers are measured
 * before the first part and again after every part that produced hot-path
 * rows; those rows are divided by the mean of the rounds on either side of
 * them (interleaved rounds: on a shared machine the load changes by the minute).
 */
async function runParts(
  ctx: BenchContext,
  parts: Part[],
  round?: Round,
): Promise<{ rows: Row[]; skipped: string[]; failed: boolean; rounds: ComparisonRound[] }> {
  const rounds: ComparisonRound[] = [];
  let before = round ? await round() : undefined;
  if (before) rounds.push(before);
  const rows: Row[] = [];
  const skipped: string[] = [];
  let failed = false;
  for (const part of parts) {
    const missing = part.needs.filter((f) => !ctx.features[f]);
    if (missing.length > 0) {
      skipped.push(`${part.id} (${part.title}): endpoint missing: ${missing.join(', ')}`);
      log(`skip ${part.id}: ${missing.join(', ')} not available yet`);
      continue;
    }
    log(`part ${part.id}: ${part.title}`);
    try {
      const produced = await part.run(ctx);
      const hot = produced.filter((r) => r.load !== undefined && kindOf(r) !== undefined);
      if (round && before && hot.length > 0) {
        const after = await round();
        rounds.push(after);
        const bracket = comparison([before, after]);
        for (const r of hot) r.comparison = bracket;
        before = after;
      }
      rows.push(...produced);
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? err.message : String(err);
      log(`part ${part.id} failed: ${message}`);
      rows.push({
        id: part.id,
        label: part.title,
        pass: false,
        figures: `ERROR: ${message.split('\n')[0].slice(0, 160)}`,
      });
    }
  }
  return { rows, skipped, failed, rounds };
}

function machine(pgVersion: string): Record<string, unknown> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    postgres: pgVersion,
    platform: `${process.platform} ${process.arch}`,
  };
}

async function bench(options: BenchOptions, parts: Part[], db: BenchDatabase): Promise<boolean> {
  const started = new Date();
  const raw: Record<string, unknown> = {};
  const port = await freePort();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const profileDir = join(PATHS.results, `profiles-${stamp}`);
  const settings: ServiceSettings = {
    databaseUrl: db.url,
    keyEncryptionKey: randomBytes(32).toString('base64'),
    issuer: `http://127.0.0.1:${port}`,
    nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  };
  log(`database ${db.name}: migrating, then seeding`);
  log(`migrations: ${(await migrate(settings)).join(', ')}`);
  const seeded = await seedAll(db);
  const loadBefore = loadavg();
  const baselineRuns = [await measureBaseline(options, raw, 'start')];

  const sqlCounter = options.countSql ? await proxyFor(settings.databaseUrl) : undefined;
  const aSettings = sqlCounter ? { ...settings, databaseUrl: sqlCounter.url } : settings;
  const service = await ServiceInstance.start('instance A', aSettings, port);
  const features = await detectFeatures(service.url);
  log(`service up on ${service.url} (pid ${service.pid}); endpoints: ${JSON.stringify(features)}`);
  const ctx = new BenchContext(options, db, settings, seeded, service, features, sqlCounter?.proxy);
  // The limit and the peer, started beside the service and measured between its parts (interleaved).
  const comparators = await Comparators.start(await clientToken(service.url, seeded.cc));
  let outcome: Awaited<ReturnType<typeof runParts>>;
  let count = 0;
  try {
    outcome = await runParts(ctx, parts, () => measureComparisonRound(options, comparators, raw, `round ${++count}`));
  } finally {
    await comparators.stop();
  }
  const { rows, skipped, failed, rounds } = outcome;
  await service.stop();
  await sqlCounter?.proxy.close();

  baselineRuns.push(await measureBaseline(options, raw, 'end'));
  const baseline: Baseline = {
    runs: baselineRuns,
    rps: baselineRuns.reduce((n, b) => n + b.rps, 0) / baselineRuns.length,
    comparison: comparison(rounds),
  };
  const lines = tableLines(rows, baseline);
  const env = { ...machine(await db.serverVersion()), loadavgBefore: loadBefore, loadavgAfter: loadavg() };
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  const settingsLine =
    `autocannon: ${options.connections} connections, pipelining ${options.pipelining}, ` +
    `${options.warmup} s warm-up + ${options.duration} s measured`;

  if (options.profile) console.log(`CPU profiles: ${profileDir}`);
  publish({
    started,
    stamp,
    command,
    settingsLine,
    env,
    lines,
    skipped,
    data: {
      options: { ...options, only: options.only && [...options.only] },
      baseline,
      rows,
      raw: { ...raw, ...ctx.raw },
    },
  });
  return !failed;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.list) {
    for (const p of PARTS)
      console.log(`${p.id.padEnd(18)} ${p.title}${p.needs.length ? ` (needs ${p.needs.join(', ')})` : ''}`);
    for (const [g, ids] of Object.entries(GROUPS)) console.log(`${g.padEnd(18)} group: ${ids.join(', ')}`);
    return;
  }
  const parts = selectParts(options.only);
  if (!existsSync(PATHS.serviceMain))
    throw new Error(`no service build at ${PATHS.serviceMain}: run npm run build first`);
  const db = await BenchDatabase.create(options.adminUrl);
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    log('interrupted: stopping the processes this run started and dropping its database');
    void Child.stopAll()
      .then(() => db.drop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ok = false;
  try {
    ok = await bench(options, parts, db);
  } finally {
    await Child.stopAll();
    if (!interrupted) await db.drop();
  }
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof Error && /^unknown /.test(err.message)) console.error(USAGE);
  process.exit(1);
});
