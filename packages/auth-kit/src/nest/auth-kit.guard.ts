import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthKit } from '../core/auth-kit';
import { credentialsFrom, oneHeader, receivedRequest, refusalFor } from '../core/challenge';
import { Principal } from '../core/types';
import { IS_PUBLIC, PERMISSIONS, SIGNED } from './decorators';
import { AUTH_KIT } from './tokens';

/** Nest's request on Fastify (`raw` is the node request) or on Express (the node request itself). */
interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  originalUrl?: string;
  raw?: { url?: string; socket?: unknown };
  socket?: unknown;
  rawBody?: Uint8Array | string;
  principal?: Principal;
}

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;

interface RouteMeta {
  isPublic: boolean;
  permissions: string[];
  signed: boolean;
}

interface AnyReply {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/** The global guard: every route needs a credential unless `@Public()`. Decides, never writes. */
@Injectable()
export class AuthKitGuard implements CanActivate {
  private readonly meta = new WeakMap<object, RouteMeta>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_KIT) private readonly kit: AuthKit,
  ) {}

  /**
   * Synchronous when the kit can decide without I/O (a JWT verified before: revocation, `exp` and
   * the rest still checked on this request), so Nest skips a promise and its microtask hops on
   * the hot path; otherwise the full asynchronous check.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const meta = this.routeMeta(context);
    if (meta.isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    if (!meta.signed) {
      try {
        const principal = this.kit.authenticateKnown(oneHeader(request.headers.authorization), socketOf(request));
        if (principal !== undefined) {
          this.kit.authorize(principal, meta.permissions);
          request.principal = principal;
          return true;
        }
      } catch (err) {
        throw refuse(http, err);
      }
    }
    return this.activate(http, request, meta);
  }

  private async activate(http: HttpArgumentsHost, request: GuardedRequest, meta: RouteMeta): Promise<boolean> {
    try {
      const socket = socketOf(request);
      let principal = await this.kit.authenticate(credentialsFrom(request.headers, socket));
      this.kit.authorize(principal, meta.permissions);
      if (meta.signed) {
        const url = request.raw?.url ?? request.originalUrl ?? request.url;
        const raw = { method: request.method, url, headers: request.headers };
        principal = await this.kit.verifySignature(receivedRequest(raw, socket, request.rawBody), principal);
      }
      request.principal = principal;
      return true;
    } catch (err) {
      throw refuse(http, err);
    }
  }

  /** Decorator metadata is fixed at start: read it once per handler, not on every request. */
  private routeMeta(context: ExecutionContext): RouteMeta {
    const handler = context.getHandler();
    let meta = this.meta.get(handler);
    if (!meta) {
      const targets = [handler, context.getClass()];
      meta = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        permissions: this.reflector.getAllAndMerge<string[]>(PERMISSIONS, targets) ?? [],
        signed: this.reflector.getAllAndOverride<boolean>(SIGNED, targets) === true,
      };
      this.meta.set(handler, meta);
    }
    return meta;
  }
}

const socketOf = (request: GuardedRequest): unknown => request.raw?.socket ?? request.socket;

/** The refusal as an HttpException, with its RFC 6750 challenge already set on the reply. */
function refuse(http: HttpArgumentsHost, err: unknown): HttpException {
  const refusal = refusalFor(err, 'api');
  // Fastify replies have header(), Express responses setHeader(): set the RFC 6750 challenge on either.
  const reply = http.getResponse<AnyReply>();
  for (const [name, value] of Object.entries(refusal.headers)) {
    if (reply.header) reply.header(name, value);
    else reply.setHeader?.(name, value);
  }
  return new HttpException(refusal.body, refusal.status);
}
