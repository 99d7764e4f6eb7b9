import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthKit } from '../core/auth-kit';
import { credentialsFrom, refusalFor } from '../core/challenge';
import { Principal } from '../core/types';
import { IS_PUBLIC, PERMISSIONS } from './decorators';
import { AUTH_KIT } from './tokens';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

interface RouteMeta {
  isPublic: boolean;
  permissions: string[];
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

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, permissions } = this.routeMeta(context);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    try {
      const principal = await this.kit.authenticate(credentialsFrom(request.headers));
      this.kit.authorize(principal, permissions);
      request.principal = principal;
      return true;
    } catch (err) {
      const refusal = refusalFor(err, 'api');
      // Fastify replies have header(), Express responses setHeader(): set the RFC 6750 challenge on either.
      const reply = http.getResponse<AnyReply>();
      for (const [name, value] of Object.entries(refusal.headers)) {
        if (reply.header) reply.header(name, value);
        else reply.setHeader?.(name, value);
      }
      throw new HttpException(refusal.body, refusal.status);
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
      };
      this.meta.set(handler, meta);
    }
    return meta;
  }
}
