import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Authenticators } from './authenticators';
import { CredentialStrategy } from './credential.strategy';
import type { Principal } from './principal';

/**
 * `X-API-Key: <key>`, verified by the API-key service registered on
 * Authenticators. Guards decide, they do not write (DESIGN.md convention
 * 3): the verifier emits failures and uses as events, and listeners in
 * api-keys/ write the audit rows and last_used_at.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CredentialStrategy, 'api-key') {
  constructor() {
    super((request: unknown) => {
      const value = (request as { headers: Record<string, unknown> }).headers['x-api-key'];
      return typeof value === 'string' && value.length > 0 ? value : null;
    });
  }

  validate(authenticators: Authenticators, key: string): Promise<Principal | null> {
    return authenticators.apiKey(key);
  }
}
