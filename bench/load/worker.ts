/**
 * Load-generator process: `node worker.js <spec.json> <out.json>`.
 * Runs autocannon (optional warm-up, then the measured run) and writes a
 * summary plus the raw result. Kept apart from the orchestrator so two
 * loads can run at once (introspection while password grants hammer bcrypt).
 */
import autocannon from 'autocannon';
import { readFileSync, writeFileSync } from 'node:fs';
import { LoadOutput, LoadSpec, LoadSummary } from './spec';

interface Mode {
  requests?: autocannon.Request[];
  extra(): Record<string, number>;
}

/** Round robin over many bodies; one shared cursor, so every body is used as evenly as possible. */
function rotateMode(bodies: string[]): Mode {
  let next = 0;
  return {
    requests: [
      {
        setupRequest: (req) => {
          req.body = bodies[next];
          next = (next + 1) % bodies.length;
          return req;
        },
      },
    ],
    extra: () => ({ distinctBodies: bodies.length }),
  };
}

/**
 * Independent refresh chains. A chain is out of the pool while its request is
 * in flight (pipelining 1), so no token is ever presented twice on purpose:
 * a 400 here is a real failure, not provoked reuse.
 */
function refreshMode(tokens: string[], bodyPrefix: string): Mode {
  const pool = [...tokens];
  let broken = 0;
  let starved = 0;
  return {
    requests: [
      {
        setupRequest: (req, context) => {
          const token = pool.shift();
          if (token === undefined) starved++;
          context.token = token ?? 'rt_pool_exhausted';
          req.body = bodyPrefix + encodeURIComponent(String(context.token));
          return req;
        },
        onResponse: (status, body) => {
          const next = status === 200 ? (JSON.parse(body) as { refresh_token?: string }).refresh_token : undefined;
          if (next) pool.push(next);
          else broken++;
        },
      },
    ],
    extra: () => ({ chains: tokens.length, chainsBroken: broken, poolStarved: starved, chainsLeft: pool.length }),
  };
}

function modeOf(spec: LoadSpec): Mode {
  if (spec.refreshChain) return refreshMode(spec.refreshChain.tokens, spec.refreshChain.bodyPrefix);
  if (spec.bodies && spec.bodies.length > 0) return rotateMode(spec.bodies);
  return { extra: () => ({}) };
}

function options(spec: LoadSpec, mode: Mode, duration: number): autocannon.Options {
  const wanted = spec.expectInBody;
  return {
    title: spec.title,
    url: spec.url + spec.path,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    pipelining: spec.pipelining,
    duration,
    ...(mode.requests ? { requests: mode.requests } : {}),
    // autocannon keeps every connection alive and skips certificate checks whatever it is given
    // (rejectUnauthorized: false); the part checks the certificate and the protocol on its own handshake.
    ...(spec.caFile !== undefined ? { tlsOptions: { ca: readFileSync(spec.caFile), minVersion: 'TLSv1.3' } } : {}),
    ...(wanted !== undefined ? { verifyBody: (body: string) => body.includes(wanted) } : {}),
  };
}

function summarize(spec: LoadSpec, r: autocannon.Result, mode: Mode): LoadSummary {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats)) statusCodes[code] = stat.count;
  return {
    title: spec.title,
    duration: r.duration,
    connections: r.connections,
    rps: r['2xx'] / r.duration,
    total: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    statusCodes,
    latency: {
      average: r.latency.average,
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    extra: mode.extra(),
  };
}

async function main(): Promise<void> {
  const [specFile, outFile] = process.argv.slice(2);
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec;
  const mode = modeOf(spec);
  const warm = spec.warmup > 0 ? await autocannon(options(spec, mode, spec.warmup)) : undefined;
  const result = await autocannon(options(spec, mode, spec.duration));
  const summary = summarize(spec, result, mode);
  summary.extra.warmupRequests = warm?.requests.total ?? 0;
  const output: LoadOutput = { summary, raw: result };
  writeFileSync(outFile, JSON.stringify(output));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
