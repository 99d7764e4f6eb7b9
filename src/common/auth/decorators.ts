import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_PERMISSIONS = 'auth:permissions';
/** Any authenticated user token (no particular permission): `/v1/me`. */
export const ANY_USER = 'auth:any-user';

/** Open route: no credentials are read. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The caller must hold every listed permission (MFA rule applies to `:write`). */
export const RequirePermissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** Any user access token; `requireOtp` demands `otp` in its `amr`. */
export const RequireUser = (options: { requireOtp?: boolean } = {}): MethodDecorator & ClassDecorator =>
  SetMetadata(ANY_USER, { requireOtp: options.requireOtp ?? false });

export interface PrincipalRequest {
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<PrincipalRequest>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.principal;
});
