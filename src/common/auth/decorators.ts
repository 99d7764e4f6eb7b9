import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Principal } from './principal';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_PERMISSIONS = 'auth:permissions';
/** Any authenticated user token (no particular permission): `/v1/me`. */
export const ANY_USER = 'auth:any-user';

/** Open route: no credentials are read. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

const documented = (requirement: string): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth('bearer'),
    ApiSecurity('api_key'),
    ApiExtension('x-required-permissions', requirement),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credentials (problem+json)' }),
    ApiForbiddenResponse({
      description: `Requires ${requirement} (problem+json; type ends in mfa_required when MFA is missing)`,
    }),
  );

/** The caller must hold every listed permission (MFA rule applies to `:write`). Also documents it in OpenAPI. */
export const RequirePermissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSIONS, permissions), documented(permissions.join(' ')));

/** Any user access token; `requireOtp` demands `otp` in its `amr`. */
export const RequireUser = (options: { requireOtp?: boolean } = {}): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ANY_USER, { requireOtp: options.requireOtp ?? false }),
    documented(options.requireOtp ? 'a user token with otp in amr' : 'any user token'),
  );

export interface PrincipalRequest {
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<PrincipalRequest>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.principal;
});
