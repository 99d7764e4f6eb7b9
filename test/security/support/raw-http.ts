import { Agent, IncomingHttpHeaders, request as httpRequest } from 'node:http';

/**
 * A keep-alive HTTP/1.1 client over node:http, for attacks that fetch()
 * will not send (any method, duplicate or odd headers, raw bodies, chunked
 * uploads) and for the fuzzer's volume (a bounded pool of sockets).
 */
export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded where needed. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send the body chunked, with no Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  header(name: string): string | undefined;
}

export class RawClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets = 16) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(req: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...(req.headers ?? {}) };
      const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
      // Frame every body explicitly: node sends a GET/DELETE/OPTIONS body unframed otherwise,
      // and the server would read it as the start of the next request on the connection.
      if (req.body !== undefined && req.chunked) headers['transfer-encoding'] = 'chunked';
      else if (req.body !== undefined && !hasLength) headers['content-length'] = String(Buffer.byteLength(req.body));
      const out = httpRequest(
        { host: this.host, port: this.port, method: req.method, path: req.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text ? (JSON.parse(text) as unknown) : undefined;
            } catch {
              body = undefined;
            }
            const all = res.headers;
            resolve({
              status: res.statusCode ?? 0,
              headers: all,
              text,
              body,
              header: (name: string) => {
                const v = all[name.toLowerCase()];
                return Array.isArray(v) ? v.join(', ') : v;
              },
            });
          });
        },
      );
      out.setTimeout(timeoutMs, () =>
        out.destroy(new Error(`timeout after ${timeoutMs} ms: ${req.method} ${req.path}`)),
      );
      out.on('error', reject);
      if (req.body !== undefined) out.end(req.body);
      else out.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Percent-encodes the UTF-8 bytes of `value` (every byte outside the
 * unreserved set). Unlike encodeURIComponent it never throws: a lone
 * surrogate becomes U+FFFD, as any UTF-8 encoder on the wire would send it.
 */
export function pct(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `application/x-www-form-urlencoded` from pairs; pairs (not a record) so a name may repeat. */
export function formBody(pairs: Record<string, string> | [string, string][]): string {
  const list = Array.isArray(pairs) ? pairs : Object.entries(pairs);
  return list.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${pct(clientId)}:${pct(secret)}`).toString('base64')}`;
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

/** True when node:http will put `value` on the wire as a header value (tab, visible ASCII, latin1). */
export function isHeaderSafe(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(c === 9 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) return false;
  }
  return true;
}
