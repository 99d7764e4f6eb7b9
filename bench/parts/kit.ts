import { performance } from 'node:perf_hooks';
import { RunningExample, startResourceService } from '../../examples/resource-service/src/start';
import { BenchContext, log } from '../lib/context';
import { clientToken, clientTokens, revoke } from '../lib/fixtures';
import { LoadSummary } from '../load/spec';
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
      // Interleaved, best of two each: on a shared machine a single pair mostly measures the neighbours.
      const runs: LoadSummary[][] = [[], []];
      for (let round = 1; round <= 2; round++) {
        const noSql = { countSql: false };
        const openTitle = `example: route without guard #${round}`;
        runs[0].push(await ctx.load({ ...base, title: openTitle, path: '/public/ping' }, noSql));
        const guardedTitle = `example: same route behind the guard #${round}`;
        runs[1].push(await ctx.load({ ...base, title: guardedTitle, path: '/ping' }, noSql));
      }
      const [open, guarded] = runs.map((r) => r.reduce((best, x) => (x.rps > best.rps ? x : best)));
      const introspectionsBefore = example.kit.stats().introspectionCalls;
      const { delays, missed } = await revocationDelays(ctx, example);
      const introspections = example.kit.stats().introspectionCalls - introspectionsBefore;
      const p = percentiles(delays);
      const ratio = guarded.rps / Math.max(1, open.rps);
      log(`kit: guard ratio ${ratio.toFixed(2)}; revocation p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms`);
      ctx.raw['kit revocation'] = { delaysMs: delays, missed, introspections };
      const rows: Row[] = [
        { id: 'kit-open', label: '(7a) example route, no guard', load: open },
        {
          id: 'kit-guard',
          label: '(7b) same route, kit guard on a JWT (offline)',
          load: guarded,
          figures: `${ratio.toFixed(2)}x the unguarded route`,
          target: { text: '>= 0.8x the unguarded route' },
          pass: ratio >= 0.8 && guarded.non2xx === 0,
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
