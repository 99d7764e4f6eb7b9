import { Strategy } from 'passport-strategy';
import type { Principal } from './principal';

type Extract = (request: unknown) => string | null;
type Verify = (credential: string, done: (err: unknown, principal?: Principal | false | null) => void) => void;

/**
 * A passport strategy for one credential kind: pull the credential out of
 * the request, hand it to `verify`. Verification itself lives in the
 * credential's own service (one place per rule); this only adapts it to
 * passport so @nestjs/passport's AuthGuard can chain kinds.
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
    if (!credential) return this.fail(401);
    this.verify(credential, (err, principal) => {
      if (err) return this.error(err as Error);
      if (!principal) return this.fail(401);
      return this.success(principal);
    });
  }
}
