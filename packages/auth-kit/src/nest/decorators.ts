import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Principal } from '../core/types';

export const IS_PUBLIC = 'auth-kit:public';
export const PERMISSIONS = 'auth-kit:permissions';
export const SIGNED = 'auth-kit:signed';

/** The route needs no credential (deny by default otherwise). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The token's scope must hold every one of these permissions. */
export const RequirePermissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSIONS, permissions);

/**
 * Requests must also carry an RFC 9421 signature, verified through the auth service (the
 * module needs the `signatures` option, and the app `rawBody: true` for routes with a body).
 */
export const RequireSignedRequest = (): MethodDecorator & ClassDecorator => SetMetadata(SIGNED, true);

/** The authenticated caller (undefined on `@Public()` routes). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal,
);
