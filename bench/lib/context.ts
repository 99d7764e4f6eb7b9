import type { Feature } from '../parts/part';
import { runLoad } from '../load/runner';
import { LoadSpec, LoadSummary } from '../load/spec';
import { cpuMs } from './cpu';
import { BenchDatabase } from './database';
import { BenchOptions } from './options';
import { PgCountingProxy } from './pg-counting-proxy';
import { SeededClient, SeededUser } from './seed';
import { ServiceInstance, ServiceSettings } from './service';

export interface Seeded {
  /** client_credentials client with role `reader` (a realistic, non-empty scope). */
  cc: SeededClient;
  /** Resource server: holds tokens:introspect only. */
  introspector: SeededClient;
  /** Holds tokens:introspect and signatures:verify: the caller of the signatures part. */
  verifier: SeededClient;
  /** Holds `admin` through a client token (no MFA rule for clients): creates API keys. */
  admin: SeededClient;
  /** Users hashed at bcrypt cost 10, for seeding refresh chains quickly. */
  refreshUsers: SeededUser[];
  /** Users hashed at cost 12, for the password-grant side load. */
  loginUsers: SeededUser[];
}

type LoadRequest = Omit<LoadSpec, 'url' | 'connections' | 'pipelining' | 'duration' | 'warmup'> &
  Partial<Pick<LoadSpec, 'url' | 'connections' | 'pipelining' | 'duration' | 'warmup'>>;

/** Everything a part needs: options, the bench database, the running service, fixtures. */
export class BenchContext {
  readonly raw: Record<string, unknown> = {};
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly options: BenchOptions,
    readonly db: BenchDatabase,
    readonly settings: ServiceSettings,
    readonly seeded: Seeded,
    readonly service: ServiceInstance,
    readonly features: Record<Feature, boolean>,
    /** With --count-sql: the proxy in front of instance A. */
    readonly sqlCounter?: PgCountingProxy,
  ) {}

  /**
   * One autocannon run in its own process, with the run's settings unless
   * overridden. With --count-sql, the SQL statements instance A sent during
   * the run (warm-up included) per request; pass `countSql: false` for loads
   * that run concurrently with another (their counts would mix).
   */
  async load(
    request: LoadRequest,
    { countSql = true, cpuOf }: { countSql?: boolean; cpuOf?: ServiceInstance } = {},
  ): Promise<LoadSummary> {
    const o = this.options;
    const spec: LoadSpec = {
      url: this.service.url,
      connections: o.connections,
      pipelining: o.pipelining,
      duration: o.duration,
      warmup: o.warmup,
      ...request,
    };
    log(`load: ${spec.title} (${spec.connections} connections, ${spec.warmup}s warm-up + ${spec.duration}s)`);
    const counter = countSql && spec.url === this.service.url ? this.sqlCounter : undefined;
    const before = counter?.snapshot();
    const cpuBefore = cpuMs(cpuOf?.pid);
    const out = await runLoad(spec);
    const cpuAfter = cpuMs(cpuOf?.pid);
    this.raw[spec.title] = out;
    const s = out.summary;
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      // Warm-up included, as the CPU time is: the service's CPU per request, whatever the neighbours did.
      s.extra.serverCpuUsPerRequest =
        ((cpuAfter - cpuBefore) * 1000) / Math.max(1, s.total + (s.extra.warmupRequests ?? 0));
    }
    if (counter && before) {
      const sql = PgCountingProxy.diff(before, counter.snapshot());
      s.extra.sqlStatements = sql.total;
      s.extra.sqlPerRequest = sql.total / Math.max(1, s.total + (s.extra.warmupRequests ?? 0));
      out.sql = sql;
    }
    const cpu = s.extra.serverCpuUsPerRequest;
    log(
      `  -> ${s.rps.toFixed(0)} ok/s, p50 ${s.latency.p50} ms, p99 ${s.latency.p99} ms, ` +
        `non-2xx ${s.non2xx}, errors ${s.errors}, mismatches ${s.mismatches}` +
        (cpu === undefined ? '' : `, service CPU ${cpu.toFixed(0)} us/request`),
    );
    return s;
  }

  /** Computes a fixture once per run (10,000 tokens are minted once, used by several parts). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as Promise<T>;
  }
}

export function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}
