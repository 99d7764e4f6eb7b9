import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Authenticators } from './authenticators';
import { CredentialStrategy } from './credential.strategy';
import type { Principal } from './principal';

/** `X-API-Key: <key>`, verified by the API-key service registered on Authenticators. */
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
