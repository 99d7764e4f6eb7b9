import { performance } from 'node:perf_hooks';
import { log } from '../lib/context';
import { clientToken, introspectionHeaders, revoke } from '../lib/fixtures';
import { postForm } from '../lib/http';
import { sleep } from '../lib/processes';
import { ServiceInstance } from '../lib/service';
import { percentiles } from '../report/stats';
import { Part } from './part';

const POLL_MS = 5;
const GIVE_UP_MS = 5_000;

async function active(url: string, headers: Record<string, string>, token: string): Promise<boolean> {
  const res = await postForm(`${url}/oauth/introspect`, { token }, headers);
  if (res.status !== 200)
    throw new Error(`introspection on instance B answered ${res.status} ${res.text.slice(0, 200)}`);
  return res.json.active === true;
}

/**
 * (6) Revocation visibility across instances: revoke on A, poll B every ~5 ms
 * until it says inactive. B has already answered "active" for the token (so
 * its verified-token cache holds it): only the LISTEN/NOTIFY fan-out can make
 * it change its mind. Timed from A's 200 (the revocation is committed).
 */
export const revocationFanout: Part = {
  id: 'fanout',
  title: 'revocation visibility across two instances',
  needs: ['introspect', 'revoke'],
  async run(ctx) {
    const b = await ServiceInstance.start('instance B', ctx.settings);
    const headers = introspectionHeaders(ctx);
    const delays: number[] = [];
    let missed = 0;
    try {
      for (let i = 0; i < ctx.options.revocations; i++) {
        const token = await clientToken(ctx.service.url, ctx.seeded.cc);
        if (!(await active(b.url, headers, token)))
          throw new Error('instance B does not accept a fresh token of instance A');
        await revoke(ctx.service.url, ctx.seeded.cc, token);
        const revokedAt = performance.now();
        let seen = false;
        while (performance.now() - revokedAt < GIVE_UP_MS) {
          if (!(await active(b.url, headers, token))) {
            seen = true;
            break;
          }
          await sleep(POLL_MS);
        }
        if (seen) delays.push(performance.now() - revokedAt);
        else missed++;
      }
    } finally {
      await b.stop();
    }
    const p = percentiles(delays);
    log(
      `fan-out: ${delays.length} seen, ${missed} missed; ` +
        `p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, max ${p.max.toFixed(1)} ms`,
    );
    ctx.raw['revocation fan-out'] = { delaysMs: delays, missed, pollMs: POLL_MS, giveUpMs: GIVE_UP_MS };
    return [
      {
        id: 'fanout',
        label: `(6) revoke on A -> inactive on B (n=${ctx.options.revocations})`,
        figures:
          `p50 ${p.p50.toFixed(1)} / p90 ${p.p90.toFixed(1)} / p99 ${p.p99.toFixed(1)} / ` +
          `max ${p.max.toFixed(1)} ms; missed ${missed}`,
        target: { text: 'p99 < 1000 ms' },
        pass: missed === 0 && p.p99 < 1_000,
      },
    ];
  },
};
