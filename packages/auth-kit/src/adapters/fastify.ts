import { AuthKit } from '../core/auth-kit';
import { credentialsFrom, refusalFor } from '../core/challenge';
import { Principal } from '../core/types';

/** The parts of Fastify's request and reply the hook touches (no dependency on fastify itself). */
export interface FastifyLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload: unknown): FastifyLikeReply;
}

/**
 * A Fastify `preHandler` that authenticates every request it guards and checks `permissions`;
 * the principal lands on `request.principal`. Declare the property with
 * `app.decorateRequest('principal', null)` for Fastify's shape optimisation.
 */
export function fastifyAuthKit(kit: AuthKit, options: { permissions?: string[]; realm?: string } = {}) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<void> => {
    try {
      const principal = await kit.authenticate(credentialsFrom(request.headers));
      kit.authorize(principal, options.permissions ?? []);
      request.principal = principal;
    } catch (err) {
      const refusal = refusalFor(err, options.realm ?? 'api');
      reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
    }
  };
}
