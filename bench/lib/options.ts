export interface BenchOptions {
  /** Part ids to run; null = all. */
  only: Set<string> | null;
  duration: number;
  warmup: number;
  connections: number;
  pipelining: number;
  /** Distinct tokens / API keys in rotation (paths 2, 3, 5). */
  tokens: number;
  /** Independent refresh-token chains. */
  chains: number;
  /** Revocations timed across two instances (path 6). */
  revocations: number;
  /** Admin URL of the PostgreSQL server; the bench creates and drops its own database there. */
  adminUrl: string;
  /** Redis for the instances that run as a fleet does (REDIS_URL): the signatures part. */
  redisUrl: string;
  list: boolean;
  /** Writes a V8 CPU profile of every service process into bench/results/profiles-<run>/. */
  profile: boolean;
  /** Runs instance A behind the counting proxy and reports SQL statements per request (adds a hop to every query). */
  countSql: boolean;
}

export const USAGE =
  `usage: npm run bench -- [--only=id,id] [--duration=10] [--warmup=3] [--connections=32]
         [--pipelining=1] [--tokens=10000] [--chains=128] [--revocations=100] ` +
  `[--pg=postgres://...] [--redis=redis://...] [--profile] [--count-sql] [--list] [--help]
  --only       part ids or groups (see --list); default: everything
  --profile    CPU profiles of the service processes (open in Chrome DevTools) under bench/results/
  --count-sql  SQL statements per request for each row (instance A behind a counting proxy: slows DB-bound paths)
  --pg         admin URL of the PostgreSQL server ` +
  `(default $BENCH_PG_ADMIN_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --redis      Redis of the signatures part's instance (default $BENCH_REDIS_URL or redis://127.0.0.1:6379)`;

function int(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    only: null,
    duration: 10,
    warmup: 3,
    connections: 32,
    pipelining: 1,
    tokens: 10_000,
    chains: 128,
    revocations: 100,
    adminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    list: false,
    profile: false,
    countSql: false,
  };
  for (const arg of argv) {
    const [, name, value = ''] = /^--([a-z-]+)(?:=(.*))?$/.exec(arg) ?? [];
    switch (name) {
      case 'only':
        o.only = new Set(
          value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case 'duration':
        o.duration = int(name, value, 1);
        break;
      case 'warmup':
        o.warmup = int(name, value, 0);
        break;
      case 'connections':
        o.connections = int(name, value, 1);
        break;
      case 'pipelining':
        o.pipelining = int(name, value, 1);
        break;
      case 'tokens':
        o.tokens = int(name, value, 1);
        break;
      case 'chains':
        o.chains = int(name, value, 1);
        break;
      case 'revocations':
        o.revocations = int(name, value, 1);
        break;
      case 'pg':
        o.adminUrl = value;
        break;
      case 'redis':
        o.redisUrl = value;
        break;
      case 'list':
        o.list = true;
        break;
      case 'help':
        console.log(USAGE);
        process.exit(0);
        break;
      case 'profile':
        o.profile = true;
        break;
      case 'count-sql':
        o.countSql = true;
        break;
      default:
        throw new Error(`unknown argument "${arg}"`);
    }
  }
  return o;
}
