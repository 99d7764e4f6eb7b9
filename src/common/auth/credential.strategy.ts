import { Strategy } from 'passport-strategy';
import type { Authenticators } from './authenticators';
import type { Principal } from './principal';

/** The request property where AuthGuard leaves its own application's Authenticators. */
export const REQUEST_AUTHENTICATORS = Symbol('authenticators');

type Extract = (request: unknown) => string | null;
type Verify = (
  authenticators: Authenticators,
  credential: string,
  done: (err: unknown, principal?: Principal | false | null) => void,
) => void;

/**
 * A passport strategy for one credential kind: pull the credential out of
 * the request, hand it to `verify`. Verification itself lives in the
 * credential's own service (one place per rule); this only adapts it to
 * passport so @nestjs/passport's AuthGuard can chain kinds.
 *
 * Passport keeps one strategy per name for the whole process, so a strategy
 * must not hold an application's services: with two applications in one
 * process (tests, embedding) the last one constructed would verify for both.
 * It reads the services from the request instead, where the guard of the
 * application that received the request put them.
 */
export class CredentialStrategy extends Strategy {
  constructor(
    private readonly extract: Extract,
    private readonly verify: Verify,
  ) {
    super();
  }

  override authenticate(request: unknown): void {
    const credential = this.extract(request);
    const authenticators = (request as Record<symbol, Authenticators | undefined>)[REQUEST_AUTHENTICATORS];
    if (!credential || !authenticators) return this.fail(401);
    this.verify(authenticators, credential, (err, principal) => {
      if (err) return this.error(err as Error);
      if (!principal) return this.fail(401);
      return this.success(principal);
    });
  }
}
