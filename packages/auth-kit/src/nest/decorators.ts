import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Principal } from '../core/types';

export const IS_PUBLIC = 'auth-kit:public';
export const PERMISSIONS = 'auth-kit:permissions';

/** The route needs no credential (deny by default otherwise). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The token's scope must hold every one of these permissions. */
export const RequirePermissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSIONS, permissions);

/** The authenticated caller (undefined on `@Public()` routes). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined =>
    (ctx.switchToHttp().getRequest<{ principal?: Principal }>()).principal,
);
