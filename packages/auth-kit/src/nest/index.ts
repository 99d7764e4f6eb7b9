import 'reflect-metadata';

export { AuthKitGuard } from './auth-kit.guard';
export { AuthKitModule } from './auth-kit.module';
export { CurrentPrincipal, Public, RequirePermissions, RequireSignedRequest } from './decorators';
export { AUTH_KIT } from './tokens';
