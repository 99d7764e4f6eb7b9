import { Injectable } from '@nestjs/common';
import { FailureAudit } from '../audit/failure-audit.service';
import { Authenticators } from '../common/auth/authenticators';
import { readCredentials } from '../common/auth/credentials';
import { Principal } from '../common/auth/principal';
import { OAuthError } from '../common/errors/oauth-error';
import { RequestContext } from '../common/http/request-context';

type Headers = Record<string, string | string[] | undefined>;

/**
 * Authenticates the caller of introspection and revocation: an X-API-Key, a
 * bearer access token, or client credentials (Basic or form). Exactly one
 * kind per request. Failures are invalid_client (401) and are audited once
 * per source and minute, so garbage floods do not become write floods.
 */
@Injectable()
export class CallerAuthenticator {
  constructor(
    private readonly authenticators: Authenticators,
    private readonly failures: FailureAudit,
  ) {}

  async authenticate(headers: Headers, form: Record<string, string>, endpoint: 'introspect' | 'revoke'): Promise<Principal> {
    const presented = readCredentials(headers, form);
    const kinds = [presented.apiKey, presented.bearer, presented.client].filter((c) => c !== undefined).length;
    if (kinds !== 1) return this.fail(endpoint, kinds === 0 ? 'no_credentials' : 'several_credentials');
    let principal: Principal | null;
    if (presented.apiKey !== undefined) principal = await this.authenticators.apiKey(presented.apiKey);
    else if (presented.bearer !== undefined) principal = await this.authenticators.bearer(presented.bearer);
    else {
      try {
        principal = await this.authenticators.client(presented.client!);
      } catch (err) {
        if (err instanceof OAuthError) return this.fail(endpoint, err.reason, err.headers);
        throw err;
      }
    }
    return principal ?? this.fail(endpoint, presented.apiKey !== undefined ? 'invalid_api_key' : 'invalid_bearer_token');
  }

  private async fail(endpoint: string, reason: string, headers: Record<string, string> = {}): Promise<never> {
    const meta = RequestContext.current();
    if (endpoint === 'introspect') {
      await this.failures.record(
        {
          eventType: 'introspection.unauthorized',
          outcome: 'failure',
          actor: { type: 'anonymous', id: null },
          details: { reason },
        },
        `${meta.ip ?? '-'}|${reason}`,
      );
    }
    throw new OAuthError('invalid_client', reason, { headers });
  }
}
