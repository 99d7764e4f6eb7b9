import { runLoad } from '../load/runner';
import { LoadSummary } from '../load/spec';
import { log } from '../lib/context';
import { BenchOptions } from '../lib/options';
import { PATHS } from '../lib/paths';
import { freePort, startNode, waitForHttp } from '../lib/processes';

/** A form body the size of an introspection request (a ~800-character JWT). */
const BODY = `token=${'x'.repeat(800)}`;

/** Measures the bare node:http server alone, with the same autocannon settings as every service run. */
export async function measureBaseline(
  options: BenchOptions,
  raw: Record<string, unknown>,
  label: string,
): Promise<LoadSummary> {
  const port = await freePort();
  const server = startNode('baseline server', PATHS.baselineServer, [String(port)], { PATH: process.env.PATH });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/`, server);
    log(`load: bare node:http (${label})`);
    const out = await runLoad({
      title: `bare node:http (${label})`,
      url,
      path: '/',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: BODY,
      connections: options.connections,
      pipelining: options.pipelining,
      duration: options.duration,
      warmup: options.warmup,
    });
    raw[out.summary.title] = out;
    log(
      `  -> ${out.summary.rps.toFixed(0)} ok/s, p50 ${out.summary.latency.p50} ms, p99 ${out.summary.latency.p99} ms`,
    );
    return out.summary;
  } finally {
    await server.stop();
  }
}
