/**
 * Nest start-up chatter logged at debug instead of info: one line per route
 * (about 70) and one per module. At info they bury the lines an operator must
 * see at start, above all the one-time bootstrap admin password.
 */
const START_UP_CONTEXTS: ReadonlySet<string> = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

/** True when Nest's `log()` from this context is routine start-up detail. */
export function isStartUpDetail(context: string | undefined): boolean {
  return context !== undefined && START_UP_CONTEXTS.has(context);
}
