import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError } from '../errors/problem-error';
import { AppConfig } from '../../config/app-config';
import { Authenticators } from './authenticators';
import { ANY_USER, IS_PUBLIC, PrincipalRequest, REQUIRED_PERMISSIONS } from './decorators';
import type { Principal } from './principal';

/**
 * Deny by default: every route is authenticated unless marked @Public(),
 * and a protected route must declare what it requires. Credentials: a
 * bearer access token or an X-API-Key. The guard decides; it never writes.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticators: Authenticators,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const permissions = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets);
    const anyUser = this.reflector.getAllAndOverride<{ requireOtp: boolean } | undefined>(ANY_USER, targets);
    if (!permissions && !anyUser) throw new ProblemError(403, 'forbidden', 'This route declares no permission.');

    const request = context.switchToHttp().getRequest<PrincipalRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;

    if (anyUser) {
      if (principal.kind !== 'user') throw ProblemError.forbidden('This endpoint is for user access tokens.');
      if (anyUser.requireOtp && !principal.amr.includes('otp')) throw ProblemError.mfaRequired();
    }
    for (const permission of permissions ?? []) {
      if (!principal.permissions.has(permission)) throw ProblemError.forbidden(`Requires permission ${permission}.`);
    }
    if (this.config.adminMfaRequired && principal.kind === 'user' && (permissions ?? []).some((p) => p.endsWith(':write'))) {
      if (!principal.amr.includes('otp')) throw ProblemError.mfaRequired();
    }
    return true;
  }

  private async authenticate(request: PrincipalRequest): Promise<Principal> {
    const apiKey = request.headers['x-api-key'];
    const authorization = request.headers.authorization;
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      const principal = await this.authenticators.apiKey(apiKey);
      if (principal) return principal;
      throw ProblemError.unauthorized('The API key is invalid, expired or revoked.');
    }
    if (typeof authorization === 'string' && /^bearer /i.test(authorization)) {
      const principal = await this.authenticators.bearer(authorization.slice(7).trim());
      if (principal) return principal;
      throw ProblemError.unauthorized('The access token is invalid, expired or revoked.');
    }
    throw ProblemError.unauthorized();
  }
}
