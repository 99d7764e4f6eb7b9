import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, ServerOptions as HttpsOptions } from 'node:https';
import type { Socket } from 'node:net';

/** The contract's limits on slow and greedy clients (API.md, "Slow clients"). */
export interface ServerLimits {
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnectionsPerIp: number;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The one HTTP/1 server of the service, whichever adapter answers a request
 * (the node:http lane or Fastify behind it), so its limits hold for both:
 *
 * - `requestTimeout` (and `headersTimeout`, which may not exceed it): a
 *   request whose headers or body are not complete in time gets 408 and its
 *   connection is closed. node checks on a timer (`connectionsCheckingInterval`,
 *   30 s by default: far too coarse for a 10 s limit), here at least every second;
 * - `keepAliveTimeout`: idle keep-alive sockets close;
 * - with `tls`, HTTPS only: a plain-HTTP request fails its handshake and
 *   gets no HTTP answer (never a redirect);
 * - a cap on open connections per socket address: one host cannot hold every
 *   socket of the process with stalled requests. A connection over the cap is
 *   closed at once, before a byte of it is parsed.
 */
export function createLimitedServer(limits: ServerLimits, listener: Listener, tls?: HttpsOptions): Server {
  const settings = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.requestTimeoutMs / 4))),
  };
  // With TLS the service speaks HTTPS only (API.md): the same limits, on a TLS server.
  const server: Server = tls ? createHttpsServer({ ...tls, ...settings }, listener) : createServer(settings, listener);
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? '';
    const count = (open.get(ip) ?? 0) + 1;
    if (count > limits.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(ip, count);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  });
  return server;
}
