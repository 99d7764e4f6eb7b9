import { Readable } from 'node:stream';
import { AuthKit } from '../core/auth-kit';
import { credentialsFrom, oneHeader, receivedRequest, refusalFor } from '../core/challenge';
import { Principal } from '../core/types';

/** The parts of Fastify's request and reply the hook touches (no dependency on fastify itself). */
export interface FastifyLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  raw?: { url?: string; socket?: unknown };
  /** Set by `captureRawBody` (or Nest's `rawBody: true`): needed on `signed` routes with a body. */
  rawBody?: Uint8Array | string;
  principal?: Principal;
}
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload: unknown): FastifyLikeReply;
}

export interface AdapterOptions {
  permissions?: string[];
  realm?: string;
  /** Require an RFC 9421 signature checked through the auth service (needs the `signatures` option). */
  signed?: boolean;
}

/**
 * A Fastify `preHandler` that authenticates every request it guards and checks `permissions`;
 * the principal lands on `request.principal`. Declare the property with
 * `app.decorateRequest('principal', null)` for Fastify's shape optimisation.
 */
export function fastifyAuthKit(kit: AuthKit, options: AdapterOptions = {}) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<void> => {
    try {
      const socket = request.raw?.socket;
      // A JWT verified before is decided without waiting (revocation, exp and cnf still checked).
      const known = options.signed
        ? undefined
        : kit.authenticateKnown(oneHeader(request.headers.authorization), socket);
      let principal = known ?? (await kit.authenticate(credentialsFrom(request.headers, socket)));
      kit.authorize(principal, options.permissions ?? []);
      if (options.signed) {
        const raw = { method: request.method, url: request.raw?.url, headers: request.headers };
        principal = await kit.verifySignature(receivedRequest(raw, socket, request.rawBody), principal);
      }
      request.principal = principal;
    } catch (err) {
      const refusal = refusalFor(err, options.realm ?? 'api');
      reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
    }
  };
}

/**
 * A Fastify `preParsing` hook keeping the exact body bytes on `request.rawBody`, which the
 * Content-Digest check needs (a parsed and re-serialised JSON body is not the signed one):
 * `app.decorateRequest('rawBody', undefined); app.addHook('preParsing', captureRawBody)`.
 */
export async function captureRawBody(
  request: object,
  _reply: unknown,
  payload: AsyncIterable<Buffer | string>,
): Promise<Readable> {
  const chunks: Buffer[] = [];
  for await (const chunk of payload) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const body = Buffer.concat(chunks);
  (request as { rawBody?: Uint8Array }).rawBody = body;
  const replay = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
  replay.receivedEncodedLength = body.length;
  return replay;
}
