import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ProblemError } from '../errors/problem-error';
import { AppConfig } from '../../config/app-config';
import { Authenticators } from './authenticators';
import { REQUEST_AUTHENTICATORS } from './credential.strategy';
import { ANY_USER, IS_PUBLIC, PrincipalRequest, REQUIRED_PERMISSIONS } from './decorators';
import type { Principal } from './principal';

/**
 * Deny by default: every route is authenticated unless marked @Public(),
 * and a protected route must declare what it requires (a permission, or a
 * user token). Credentials go through @nestjs/passport: an X-API-Key, else
 * a bearer access token. Then the permission and admin-MFA rules. The guard
 * decides; it never writes.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard(['api-key', 'bearer']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly authenticators: Authenticators,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const permissions = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets);
    const anyUser = this.reflector.getAllAndOverride<{ requireOtp: boolean } | undefined>(ANY_USER, targets);
    if (!permissions && !anyUser) throw new ProblemError(403, 'forbidden', 'This route declares no permission.');

    const request = context
      .switchToHttp()
      .getRequest<PrincipalRequest & { user?: Principal; [REQUEST_AUTHENTICATORS]?: Authenticators }>();
    request[REQUEST_AUTHENTICATORS] = this.authenticators;
    await super.canActivate(context);
    const principal = request.user!;
    request.principal = principal;

    if (anyUser) {
      if (principal.kind !== 'user') throw ProblemError.forbidden('This endpoint is for user access tokens.');
      if (anyUser.requireOtp && !principal.amr.includes('otp')) throw ProblemError.mfaRequired();
    }
    for (const permission of permissions ?? []) {
      if (!principal.permissions.has(permission)) throw ProblemError.forbidden(`Requires permission ${permission}.`);
    }
    // Admin MFA rule (API.md): user tokens on :write routes need otp in amr; keys and client tokens do not.
    if (
      this.config.adminMfaRequired &&
      principal.kind === 'user' &&
      (permissions ?? []).some((p) => p.endsWith(':write'))
    ) {
      if (!principal.amr.includes('otp')) throw ProblemError.mfaRequired();
    }
    return true;
  }

  /** Every passport failure (no credential, bad credential) is the same 401 problem. */
  override handleRequest<TUser = Principal>(err: unknown, user: TUser | false | null): TUser {
    if (err) throw err;
    if (!user) throw ProblemError.unauthorized('Missing, invalid, expired or revoked credentials.');
    return user;
  }
}
