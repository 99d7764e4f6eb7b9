import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunningExample, startResourceService } from '../../examples/resource-service/src/start';
import { BenchContext, log } from '../lib/context';
import { clientToken, clientTokens, revoke } from '../lib/fixtures';
import { LoadSpec, LoadSummary } from '../load/spec';
import { sleep } from '../lib/processes';
import { percentiles } from '../report/stats';
import { Part, Row } from './part';

const REVOCATIONS = 200;
const POLL_MS = 5;
const GIVE_UP_MS = 5_000;

/** The example resource service with the kit, in this process, reading instance A's revocation feed. */
function startExample(ctx: BenchContext): Promise<RunningExample> {
  const { clientId, secret } = ctx.seeded.introspector;
  return startResourceService(
    {
      issuer: ctx.settings.issuer,
      clientId,
      clientSecret: secret,
      audience: [ctx.settings.issuer],
      downstreamAudience: clientId,
      onStale: 'fail-closed',
      port: 0,
      host: '127.0.0.1',
    },
    { logger: false },
  );
}

/** With --profile: the profile directory of the run (the example runs in this process, not as a service). */
function profileDir(ctx: BenchContext): string | undefined {
  const flag = ctx.settings.nodeArgs?.find((a) => a.startsWith('--cpu-prof-dir='));
  return flag?.slice('--cpu-prof-dir='.length);
}

/** A V8 CPU profile of this process (so of the example) while `run` goes, saved as `<dir>/<name>.cpuprofile`. */
async function profiled<T>(dir: string | undefined, name: string, run: () => Promise<T>): Promise<T> {
  if (!dir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}

async function status(url: string, token: string): Promise<number> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

/** Revoke on A, poll the example until it refuses: the time the feed takes to reach a resource service. */
async function revocationDelays(
  ctx: BenchContext,
  example: RunningExample,
): Promise<{ delays: number[]; missed: number }> {
  const delays: number[] = [];
  let missed = 0;
  for (let i = 0; i < REVOCATIONS; i++) {
    const token = await clientToken(ctx.service.url, ctx.seeded.cc);
    if ((await status(`${example.url}/ping`, token)) !== 200) throw new Error('the example refuses a fresh token');
    await revoke(ctx.service.url, ctx.seeded.cc, token);
    const revokedAt = performance.now();
    let seen = false;
    while (performance.now() - revokedAt < GIVE_UP_MS) {
      if ((await status(`${example.url}/ping`, token)) === 401) {
        seen = true;
        break;
      }
      await sleep(POLL_MS);
    }
    if (seen) delays.push(performance.now() - revokedAt);
    else missed++;
  }
  return { delays, missed };
}

/** Short pairs, many of them: the closer in time the two loads of a pair, the less a neighbour splits them. */
const ROUNDS = 8;

type LoadBase = Pick<LoadSpec, 'method' | 'url' | 'expectInBody' | 'headers'>;

/** One load and the CPU this process (the example) spent per request on it, warm-up included. */
interface Measured {
  load: LoadSummary;
  cpuUs: number;
}

interface GuardComparison {
  open: LoadSummary;
  guarded: LoadSummary;
  /** Median over the rounds of guarded/unguarded requests per second: the target. */
  ratio: number;
  ratios: number[];
  /** Median over the rounds of unguarded/guarded CPU per request: what the ratio would be CPU-bound. */
  cpuRatio: number;
  cpuUs: { open: number; guarded: number };
  non2xx: number;
}

async function measured(run: () => Promise<LoadSummary>): Promise<Measured> {
  const before = process.cpuUsage();
  const load = await run();
  const cpu = process.cpuUsage(before);
  return { load, cpuUs: (cpu.user + cpu.system) / Math.max(1, load.total + (load.extra.warmupRequests ?? 0)) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * The unguarded and the guarded route in adjacent pairs over the same kind of connections, the
 * order swapped every round (ABBA): on a shared machine a neighbour's burst or a drift hits one
 * load of a pair, so the ratio is the median of the per-round ratios, not a ratio of bests taken
 * at different moments. The example's CPU per request, which neighbours disturb far less than
 * throughput, is reported beside it.
 */
async function pairedRounds(ctx: BenchContext, base: LoadBase, profiles?: string): Promise<GuardComparison> {
  const o = ctx.options;
  const path = (kind: 'open' | 'guarded'): string => (kind === 'open' ? '/public/ping' : '/ping');
  // Both routes warmed up once with the run's warm-up; then each load needs only a short one (connections, JIT).
  for (const kind of ['open', 'guarded'] as const) {
    await ctx.load({ ...base, title: `example: warm-up ${kind}`, path: path(kind), duration: o.warmup, warmup: 0 });
  }
  // The run's measured seconds per route, spread over the rounds (at least 1 s per load).
  const timing = { duration: Math.max(1, (2 * o.duration) / ROUNDS), warmup: Math.min(1, o.warmup) };
  const pairs: { open: Measured; guarded: Measured }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const one = (kind: 'open' | 'guarded'): Promise<Measured> => {
      const what = kind === 'open' ? 'route without guard' : 'same route behind the guard';
      const spec = { ...base, ...timing, title: `example: ${what} #${round}`, path: path(kind) };
      return profiled(profiles, `example-${kind}-${round}`, () => measured(() => ctx.load(spec, { countSql: false })));
    };
    const first = round % 2 === 1 ? 'open' : 'guarded';
    const a = await one(first);
    const b = await one(first === 'open' ? 'guarded' : 'open');
    pairs.push(first === 'open' ? { open: a, guarded: b } : { open: b, guarded: a });
  }
  const ratios = pairs.map((p) => p.guarded.load.rps / Math.max(1, p.open.load.rps));
  const ratio = median(ratios);
  // The rows show the pair closest to the median ratio.
  const shown =
    pairs[ratios.reduce((best, r, i) => (Math.abs(r - ratio) < Math.abs(ratios[best] - ratio) ? i : best), 0)];
  return {
    open: shown.open.load,
    guarded: shown.guarded.load,
    ratio,
    ratios,
    cpuRatio: median(pairs.map((p) => p.open.cpuUs / p.guarded.cpuUs)),
    cpuUs: { open: median(pairs.map((p) => p.open.cpuUs)), guarded: median(pairs.map((p) => p.guarded.cpuUs)) },
    non2xx: pairs.reduce((n, p) => n + p.guarded.load.non2xx + p.open.load.non2xx, 0),
  };
}

function guardFigures(c: GuardComparison): string {
  const rounds = c.ratios.map((r) => r.toFixed(2)).join(', ');
  const cpu = `${c.cpuUs.open.toFixed(1)} vs ${c.cpuUs.guarded.toFixed(1)} us`;
  return (
    `${c.ratio.toFixed(2)}x the unguarded route (median of ${rounds}); ` +
    `CPU/request ${cpu} (${c.cpuRatio.toFixed(2)}x)`
  );
}

/**
 * (7) The kit in a resource service: the guard's offline JWT path against the same Fastify
 * route without it, and how fast a revocation on the auth service reaches the example.
 */
export const kitGuard: Part = {
  id: 'kit',
  title: 'auth-kit guard and revocation feed in the example resource service',
  needs: ['revoke'],
  async run(ctx) {
    const example = await startExample(ctx);
    try {
      const tokens = await clientTokens(ctx, 'kit', 1_000);
      // Both runs send the same token, so the difference is the guard, not parsing a longer request.
      const headers = { authorization: `Bearer ${tokens[0]}` };
      const base = { method: 'GET' as const, url: example.url, expectInBody: '"ok":true', headers };
      const cmp = await pairedRounds(ctx, base, profileDir(ctx));
      const { ratio } = cmp;
      const introspectionsBefore = example.kit.stats().introspectionCalls;
      const { delays, missed } = await revocationDelays(ctx, example);
      const introspections = example.kit.stats().introspectionCalls - introspectionsBefore;
      const p = percentiles(delays);
      log(`kit: guard ${guardFigures(cmp)}`);
      log(`kit: revocation p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms`);
      ctx.raw['kit revocation'] = { delaysMs: delays, missed, introspections };
      const rows: Row[] = [
        { id: 'kit-open', label: '(7a) example route, no guard', load: cmp.open },
        {
          id: 'kit-guard',
          label: '(7b) same route, kit guard on a JWT (offline)',
          load: cmp.guarded,
          figures: guardFigures(cmp),
          target: { text: '>= 0.8x the unguarded route' },
          pass: ratio >= 0.8 && cmp.non2xx === 0,
        },
        {
          id: 'kit-revocation',
          label: `(7c) revoke on A -> refused by the example (n=${REVOCATIONS})`,
          figures:
            `p50 ${p.p50.toFixed(1)} / p99 ${p.p99.toFixed(1)} / max ${p.max.toFixed(1)} ms; ` +
            `missed ${missed}; introspection calls ${introspections}`,
          target: { text: 'p99 < 1000 ms, typical < 100 ms, no introspection' },
          pass: missed === 0 && p.p99 < 1_000 && introspections === 0,
        },
      ];
      return rows;
    } finally {
      await example.close();
    }
  },
};
