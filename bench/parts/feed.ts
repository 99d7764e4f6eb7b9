import { performance } from 'node:perf_hooks';
import { log } from '../lib/context';
import { clientToken, introspectionHeaders, revoke } from '../lib/fixtures';
import { PgCountingProxy, StatementCounts } from '../lib/pg-counting-proxy';
import { sleep } from '../lib/processes';
import { ServiceInstance } from '../lib/service';
import { percentiles } from '../report/stats';
import { Part } from './part';

const STREAMS = 500;
const REVOCATIONS = 20;
const GIVE_UP_MS = 5_000;

/** One open revocation stream: counts the bytes of every frame and remembers the jtis seen. */
class Stream {
  readonly seen = new Set<string>();
  private readonly abort = new AbortController();
  private waiting: (() => void)[] = [];

  static async open(url: string, headers: Record<string, string>): Promise<Stream> {
    const stream = new Stream();
    const res = await fetch(url, { headers, signal: stream.abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const connected = new Promise<void>((resolve) => stream.waiting.push(resolve));
    void stream.pump(res.body.getReader());
    await connected;
    return stream;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
        for (const m of text.matchAll(/"value":"([^"]+)"/g)) this.seen.add(m[1]);
        text = text.slice(text.lastIndexOf('\n\n') + 1);
        for (const w of this.waiting.splice(0)) w();
      }
    } catch {
      // closed by the bench
    }
  }

  async until(jti: string): Promise<void> {
    const deadline = Date.now() + GIVE_UP_MS;
    while (!this.seen.has(jti)) {
      if (Date.now() > deadline) throw new Error(`entry not seen within ${GIVE_UP_MS} ms`);
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

async function heapUsed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('nodejs_heap_size_used_bytes'));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

const feedStatements = (c: StatementCounts): number =>
  Object.entries(c.bySql).reduce((n, [sql, count]) => n + (sql.includes('revocation_feed') ? count : 0), 0);
const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

/**
 * (8) The revocation stream's fan-out: 500 open streams on one instance D
 * whose database connections go through the counting proxy. Tokens are
 * revoked on A; each revocation must reach every stream, and D must read
 * the feed once per revocation (one NOTIFY), not once per stream. Heap of
 * D before and after opening the streams is reported.
 */
export const revocationFeed: Part = {
  id: 'feed',
  title: 'revocation feed: 500 open streams',
  needs: ['revoke'],
  async run(ctx) {
    const target = new URL(ctx.settings.databaseUrl);
    const proxy = await PgCountingProxy.start(target.hostname, Number(target.port || 5432));
    const d = await ServiceInstance.start('instance D (feed)', {
      ...ctx.settings,
      databaseUrl: proxy.urlFor(ctx.settings.databaseUrl),
    });
    const streams: Stream[] = [];
    try {
      const headers = introspectionHeaders(ctx);
      delete headers['content-type'];
      const heapBefore = await heapUsed(d.url);
      for (let i = 0; i < STREAMS; i += 50) {
        const batch = Array.from({ length: Math.min(50, STREAMS - i) }, () =>
          Stream.open(`${d.url}/oauth/revocations/stream`, headers),
        );
        streams.push(...(await Promise.all(batch)));
      }
      await sleep(500);
      const heapOpen = await heapUsed(d.url);
      const before = proxy.snapshot();
      const delays: number[] = [];
      for (let i = 0; i < REVOCATIONS; i++) {
        const token = await clientToken(ctx.service.url, ctx.seeded.cc);
        const jti = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
        await revoke(ctx.service.url, ctx.seeded.cc, token);
        const revokedAt = performance.now();
        await Promise.all(streams.map((s) => s.until(jti)));
        delays.push(performance.now() - revokedAt);
      }
      const during = PgCountingProxy.diff(before, proxy.snapshot());
      const heapAfter = await heapUsed(d.url);
      const reads = feedStatements(during);
      const p = percentiles(delays);
      const figures =
        `${reads} feed reads for ${REVOCATIONS} revocations x ${STREAMS} streams ` +
        `(${during.total} statements in all); last stream p50 ${p.p50.toFixed(1)} / p99 ${p.p99.toFixed(1)} ms; ` +
        `heap ${mb(heapBefore)} -> ${mb(heapOpen)} with streams ` +
        `(+${mb(heapOpen - heapBefore)}) -> ${mb(heapAfter)} after delivery`;
      log(`feed: ${figures}`);
      ctx.raw['revocation feed'] = {
        streams: STREAMS,
        revocations: REVOCATIONS,
        during,
        delaysMs: delays,
        heapBefore,
        heapOpen,
        heapAfter,
      };
      return [
        {
          id: 'feed',
          label: `(8) ${STREAMS} open revocation streams on one instance`,
          figures,
          target: { text: 'about one feed read per revocation, none per stream; heap growth reported' },
          // One read per NOTIFY, plus at most one coalesced re-read each; per-stream reads would be 500x.
          pass: reads <= REVOCATIONS * 2 && p.p99 < 1_000,
        },
      ];
    } finally {
      for (const s of streams) s.close();
      await d.stop();
      await proxy.close();
    }
  },
};
