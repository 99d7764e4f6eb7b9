import { Agent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { ConfigurationError } from '../errors';
import { FetchLike } from '../core/types';

/** PEM (or DER) material for mutual TLS; `ca` replaces the default trust store when given. */
export interface ClientTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  ca?: string | Buffer | (string | Buffer)[];
  /** Default `TLSv1.3`, what the auth service speaks by default. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * A `fetch` that presents a client certificate, over node:https. Node's global fetch takes a
 * certificate only through an undici dispatcher, and an `undici` package whose version differs
 * from the one bundled in Node is not guaranteed to work with it (Node 20, 22 and 24 bundle
 * different majors), so the kit speaks HTTPS itself: keep-alive agent, body as sent, response
 * as a standard `Response`. Plain `http:` URLs are refused: a certificate over cleartext means
 * a misconfiguration.
 */
export function createTlsFetch(tls: ClientTlsOptions): FetchLike {
  if (!tls.cert || !tls.key) throw new ConfigurationError('tls needs cert and key');
  const agent = new Agent({
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    keepAlive: true,
    minVersion: tls.minVersion ?? 'TLSv1.3',
  });
  return async (input, init = {}) => {
    const url = new URL(input);
    if (url.protocol !== 'https:') throw new ConfigurationError('a client certificate needs an https: URL');
    const headers = new Headers(init.headers);
    const body = await bodyBytes(init.body);
    if (body !== undefined) {
      if (!headers.has('content-length')) headers.set('content-length', String(body.length));
      if (!headers.has('content-type') && init.body instanceof URLSearchParams) {
        headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
      }
    }
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(
        url,
        { method: init.method ?? 'GET', agent, headers: plain(headers), signal: init.signal ?? undefined },
        (res) => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : [value ?? '']) out.append(name, v);
          }
          const status = res.statusCode ?? 502;
          const empty = status === 204 || status === 304 || init.method === 'HEAD';
          const stream = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          if (empty) res.resume();
          resolve(new Response(stream, { status, statusText: res.statusMessage, headers: out }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}

/** The bytes of a replayable fetch body; streams cannot be measured (or signed) up front. */
export async function bodyBytes(body: RequestInit['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw new ConfigurationError('this body type cannot be signed or sent with a client certificate: pass bytes');
}

function plain(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}
