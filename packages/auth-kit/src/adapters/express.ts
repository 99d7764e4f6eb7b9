import { AuthKit } from '../core/auth-kit';
import { credentialsFrom, oneHeader, receivedRequest, refusalFor } from '../core/challenge';
import { Principal } from '../core/types';
import { AdapterOptions } from './fastify';

/** The parts of Express's (or bare node:http's) request and response the middleware touches. */
export interface ExpressLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  /** Express rewrites `url` under a mounted router; the signed target is the original. */
  originalUrl?: string;
  socket?: unknown;
  /** The body bytes as received (`express.json({ verify })`, Nest's `rawBody: true`). */
  rawBody?: Uint8Array | string;
  principal?: Principal;
}
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Express middleware over the same core as the Nest guard; the principal lands on `req.principal`. */
export function expressAuthKit(kit: AuthKit, options: AdapterOptions = {}) {
  const refuse = (res: ExpressLikeResponse, err: unknown): void => {
    const refusal = refusalFor(err, options.realm ?? 'api');
    res.statusCode = refusal.status;
    for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
    res.end(JSON.stringify(refusal.body));
  };
  return (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (err?: unknown) => void): void => {
    if (!options.signed) {
      // A JWT verified before: decided now (revocation, exp, cnf and permissions checked), no promise.
      let principal: Principal | undefined;
      try {
        principal = kit.authenticateKnown(oneHeader(req.headers.authorization), req.socket);
        if (principal) kit.authorize(principal, options.permissions ?? []);
      } catch (err) {
        refuse(res, err);
        return;
      }
      if (principal) {
        req.principal = principal;
        next();
        return;
      }
    }
    kit
      .authenticate(credentialsFrom(req.headers, req.socket))
      .then(async (principal) => {
        kit.authorize(principal, options.permissions ?? []);
        if (!options.signed) return principal;
        const raw = { method: req.method, url: req.originalUrl ?? req.url, headers: req.headers };
        return kit.verifySignature(receivedRequest(raw, req.socket, req.rawBody), principal);
      })
      .then((principal) => {
        req.principal = principal;
      })
      // next() outside the chain's catch: a route's own error must not turn into a 401.
      .then(
        () => next(),
        (err: unknown) => refuse(res, err),
      );
  };
}
