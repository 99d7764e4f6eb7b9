/** Injection token of the example's configuration. */
export const EXAMPLE_CONFIG = Symbol('EXAMPLE_CONFIG');
