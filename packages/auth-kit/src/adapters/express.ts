import { AuthKit } from '../core/auth-kit';
import { credentialsFrom, refusalFor } from '../core/challenge';
import { Principal } from '../core/types';

/** The parts of Express's (or bare node:http's) request and response the middleware touches. */
export interface ExpressLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Express middleware over the same core as the Nest guard; the principal lands on `req.principal`. */
export function expressAuthKit(kit: AuthKit, options: { permissions?: string[]; realm?: string } = {}) {
  return (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (err?: unknown) => void): void => {
    kit
      .authenticate(credentialsFrom(req.headers))
      .then((principal) => {
        kit.authorize(principal, options.permissions ?? []);
        req.principal = principal;
      })
      // next() outside the chain's catch: a route's own error must not turn into a 401.
      .then(
        () => next(),
        (err: unknown) => {
          const refusal = refusalFor(err, options.realm ?? 'api');
          res.statusCode = refusal.status;
          for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
          res.end(JSON.stringify(refusal.body));
        },
      );
  };
}
