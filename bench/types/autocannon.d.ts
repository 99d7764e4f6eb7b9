/**
 * The slice of autocannon 9's programmatic API the benchmarks use. The
 * package ships no types and @types/autocannon is not a dependency; this
 * declaration is checked against node_modules/autocannon/README.md (API).
 */
declare module 'autocannon' {
  namespace autocannon {
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    type Context = Record<string, unknown>;

    interface Request extends RequestParams {
      /** Runs before each request (per connection); returns the request to send. */
      setupRequest?: (request: RequestParams, context: Context) => RequestParams;
      /** Runs on each response, before the connection's next setupRequest. */
      onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void;
    }

    interface Options extends RequestParams {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      pipelining?: number;
      timeout?: number;
      title?: string;
      requests?: Request[];
      initialContext?: Context;
      verifyBody?: (body: string) => boolean;
      /** Passed to tls.connect for https URLs (autocannon forces rejectUnauthorized: false). */
      tlsOptions?: import('node:tls').ConnectionOptions;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
      sent?: number;
      totalCount?: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      pipelining: number;
      duration: number;
      start: string;
      finish: string;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
