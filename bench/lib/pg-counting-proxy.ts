import { createConnection, createServer, Server, Socket } from 'node:net';

/** Protocol codes of untyped first messages (PostgreSQL protocol 3, "Message Formats"). */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export interface StatementCounts {
  total: number;
  /** Statement text (whitespace collapsed, first 100 characters) -> executions. */
  bySql: Record<string, number>;
}

const short = (sql: string): string => sql.replace(/\s+/g, ' ').trim().slice(0, 100);

/**
 * Parses the frontend half of one connection and counts executed statements:
 * a simple Query ('Q') is one, an extended-protocol Execute ('E') is one,
 * attributed to the statement text of the last Parse ('P'). Exact and
 * immediate, unlike pg_stat_database, whose counters a backend may flush
 * seconds late.
 */
class FrontendParser {
  private buffer = Buffer.alloc(0);
  private started = false;
  private lastParsed = '';

  constructor(private readonly count: (sql: string) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        // After an SSL/GSS request the real startup message follows.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.started = true;
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const type = String.fromCharCode(this.buffer[0]);
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      const body = this.buffer.subarray(5, 1 + length);
      this.buffer = this.buffer.subarray(1 + length);
      if (type === 'Q') this.count(cString(body, 0));
      else if (type === 'P') this.lastParsed = cString(body, body.indexOf(0) + 1);
      else if (type === 'E') this.count(this.lastParsed);
    }
  }
}

function cString(buf: Buffer, start: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end < 0 ? buf.length : end);
}

/**
 * A TCP proxy in front of PostgreSQL that counts the statements a service
 * instance sends, with their text. Bytes pass through unchanged.
 */
export class PgCountingProxy {
  private counts: StatementCounts = { total: 0, bySql: {} };
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static start(targetHost: string, targetPort: number): Promise<PgCountingProxy> {
    return new Promise((resolve, reject) => {
      let proxy: PgCountingProxy | undefined;
      const server = createServer((client) => proxy?.relay(client, targetHost, targetPort));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        proxy = new PgCountingProxy(server, typeof address === 'object' && address ? address.port : 0);
        resolve(proxy);
      });
    });
  }

  /** `databaseUrl` with its host and port replaced by this proxy's. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** Counts since start (a copy): take one before and one after a window, then `diff`. */
  snapshot(): StatementCounts {
    return { total: this.counts.total, bySql: { ...this.counts.bySql } };
  }

  static diff(before: StatementCounts, after: StatementCounts): StatementCounts {
    const bySql: Record<string, number> = {};
    for (const [sql, n] of Object.entries(after.bySql)) {
      const d = n - (before.bySql[sql] ?? 0);
      if (d > 0) bySql[sql] = d;
    }
    return { total: after.total - before.total, bySql };
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, host: string, port: number): void {
    const upstream = createConnection(port, host);
    const parser = new FrontendParser((sql) => {
      this.counts.total++;
      const key = short(sql);
      this.counts.bySql[key] = (this.counts.bySql[key] ?? 0) + 1;
    });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
