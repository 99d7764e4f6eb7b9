/** Injection token of the module's `AuthKit` instance: `@Inject(AUTH_KIT) kit: AuthKit`. */
export const AUTH_KIT = Symbol('AUTH_KIT');
