import { runLoad } from '../load/runner';
import { LoadSummary } from '../load/spec';
import { Comparators, PEER_CALLER } from './comparators';
import { log } from './context';
import { BenchOptions } from './options';

const FORM = 'application/x-www-form-urlencoded';

/** One round of the three comparison loads, with the run's autocannon settings. */
export interface ComparisonRound {
  reference: LoadSummary;
  peerIntrospect: LoadSummary;
  peerToken: LoadSummary;
}

/** What the rows are divided by: mean 2xx/s of the rounds (start and end of the run, around the service's loads). */
export interface Comparison {
  rounds: ComparisonRound[];
  reference: number;
  peerIntrospect: number;
  peerToken: number;
}

export async function measureComparisonRound(
  options: BenchOptions,
  c: Comparators,
  raw: Record<string, unknown>,
  label: string,
): Promise<ComparisonRound> {
  const settings = {
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.duration,
    warmup: options.warmup,
  };
  const run = async (
    title: string,
    spec: Omit<Parameters<typeof runLoad>[0], 'title' | keyof typeof settings>,
  ): Promise<LoadSummary> => {
    log(`load: ${title} (${label})`);
    const out = await runLoad({ ...settings, ...spec, title: `${title} (${label})` });
    raw[out.summary.title] = out;
    log(
      `  -> ${out.summary.rps.toFixed(0)} ok/s, p50 ${out.summary.latency.p50} ms, p99 ${out.summary.latency.p99} ms`,
    );
    return out.summary;
  };
  const reference = await run('reference introspection', {
    url: c.reference.url,
    path: '/',
    method: 'POST',
    headers: { 'content-type': FORM, authorization: `Bearer ${c.reference.token}` },
    body: `token=${encodeURIComponent(c.reference.token)}`,
    expectInBody: '"active":true',
  });
  const peerIntrospect = await run('oidc-provider introspection', {
    url: c.opaque.url,
    path: '/token/introspection',
    method: 'POST',
    headers: { 'content-type': FORM, authorization: PEER_CALLER },
    body: `token=${encodeURIComponent(c.opaque.token)}`,
    expectInBody: '"active":true',
  });
  const peerToken = await run('oidc-provider client_credentials (RS256 JWT)', {
    url: c.jwt.url,
    path: '/token',
    method: 'POST',
    headers: { 'content-type': FORM, authorization: PEER_CALLER },
    body: 'grant_type=client_credentials&scope=api',
    expectInBody: '"access_token"',
  });
  return { reference, peerIntrospect, peerToken };
}

export function comparison(rounds: ComparisonRound[]): Comparison {
  const mean = (pick: (r: ComparisonRound) => LoadSummary): number =>
    rounds.reduce((n, r) => n + pick(r).rps, 0) / rounds.length;
  return {
    rounds,
    reference: mean((r) => r.reference),
    peerIntrospect: mean((r) => r.peerIntrospect),
    peerToken: mean((r) => r.peerToken),
  };
}
