/**
 * What the orchestrator asks a load-generator process to do, and what it
 * gets back. Passed as JSON files: the load runs in its own process so it
 * never shares an event loop with the orchestrator or the server.
 */
export interface LoadSpec {
  title: string;
  /** Origin, e.g. http://127.0.0.1:3000 */
  url: string;
  /** For an https origin: the CA that signed its certificate (PEM file). */
  caFile?: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** One fixed body. */
  body?: string;
  /** Bodies sent in rotation (one per request, round robin over all connections). */
  bodies?: string[];
  /**
   * Refresh-token chains: each request takes a chain's current token, and the
   * response's refresh_token puts the chain back in the pool. `bodyPrefix` is
   * completed with the URL-encoded token.
   */
  refreshChain?: { tokens: string[]; bodyPrefix: string };
  /** Each 2xx body must contain this text, else it counts as a mismatch. */
  expectInBody?: string;
  connections: number;
  pipelining: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of identical load run first and discarded (JIT, caches, pools). */
  warmup: number;
}

export interface LoadSummary {
  title: string;
  duration: number;
  connections: number;
  /** 2xx responses per second over the measured window. */
  rps: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  statusCodes: Record<string, number>;
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  /** Mode-specific counters (refresh chains broken, chains left, ...). */
  extra: Record<string, number>;
}

export interface LoadOutput {
  summary: LoadSummary;
  /** The autocannon result as is, for bench/results. */
  raw: unknown;
  /** With --count-sql: the statements instance A sent during the run, by text. */
  sql?: unknown;
}
