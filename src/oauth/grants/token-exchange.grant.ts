import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { ClientStore } from '../../clients/client-store.service';
import { TOKEN_EXCHANGE } from '../../clients/client.types';
import { OAuthError } from '../../common/errors/oauth-error';
import { parseScope } from '../../rbac/scope';
import { AccessTokenClaims, ActorClaim } from '../../tokens/access-token.types';
import { AccessTokens } from '../../tokens/access-tokens.service';
import { BearerPrincipals, isUserToken } from '../../tokens/bearer-authenticator.service';
import { GrantHandler, GrantRequest, TokenResponse } from './grant';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693 token exchange: a service calls another on a user's behalf. The
 * caller (a confidential client) presents an active access token of this
 * service and names the target service; it gets a token for that audience
 * that keeps the subject's identity and session (`sid`, so revoking the
 * session or disabling the user kills it too), names the caller in `act`,
 * and is never wider nor longer-lived than the subject token. Impersonation
 * only: `actor_token` (delegation) is refused.
 */
@Injectable()
export class TokenExchangeGrant implements GrantHandler {
  readonly grantType = TOKEN_EXCHANGE;
  readonly requiredParams = ['subject_token', 'subject_token_type', 'audience'] as const;

  constructor(
    private readonly bearer: BearerPrincipals,
    private readonly clients: ClientStore,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditService,
  ) {}

  async handle({ client, params, certificateThumbprint }: GrantRequest): Promise<TokenResponse> {
    if (!client.confidential) throw new OAuthError('unauthorized_client', 'public client cannot exchange tokens');
    if (params.actor_token !== undefined || params.actor_token_type !== undefined) {
      throw new OAuthError('invalid_request', 'actor_token not supported');
    }
    if (params.subject_token_type !== ACCESS_TOKEN_TYPE)
      throw new OAuthError('invalid_request', 'unsupported subject_token_type');
    if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw new OAuthError('invalid_request', 'unsupported requested_token_type');
    }
    const audience = params.audience;
    if (!client.tokenExchangeAudiences.includes(audience))
      throw new OAuthError('invalid_target', 'audience not allowed');
    const target = await this.clients.get(audience);
    if (!target || target.deleted) throw new OAuthError('invalid_target', 'audience unknown');
    // Any active access token of this service, whatever its audience (an exchanged one included).
    const subject = await this.bearer.activeClaims(params.subject_token, true);
    if (!subject) throw new OAuthError('invalid_request', 'subject_token inactive');
    const scope = narrowScope(parseScope(params.scope), subject.scope);

    const access = this.accessTokens.issue({
      sub: subject.sub,
      clientId: client.clientId,
      scope,
      roles: subject.roles,
      username: subject.username,
      sid: subject.sid,
      amr: subject.amr,
      audience,
      act: actorChain(client.clientId, subject.act),
      notAfter: subject.exp,
      // RFC 8705: the caller authenticated by certificate gets a token bound to that certificate.
      certificateThumbprint,
    });
    await this.audit.recordAlone({
      eventType: 'token.exchanged',
      outcome: 'success',
      actor: { type: 'client', id: client.clientId },
      subject: { type: isUserToken(subject) ? 'user' : 'client', id: subject.sub },
      details: detailsOf(client.clientId, subject, access.claims),
    });
    return {
      access_token: await access.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: Math.max(0, access.claims.exp - access.claims.iat),
      scope: access.claims.scope,
    };
  }
}

/** The subject token's scope, or the narrower one asked for; the caller's own roles play no part. */
function narrowScope(requested: string[] | undefined, subjectScope: string): string[] {
  const held = subjectScope.split(' ').filter(Boolean);
  if (requested === undefined) return held;
  const wider = requested.filter((p) => !held.includes(p));
  if (wider.length > 0) throw new OAuthError('invalid_scope', `wider than the subject token: ${wider.join(' ')}`);
  return [...requested].sort();
}

function actorChain(clientId: string, previous: ActorClaim | undefined): ActorClaim {
  return previous ? { sub: clientId, act: previous } : { sub: clientId };
}

function detailsOf(clientId: string, subject: AccessTokenClaims, issued: AccessTokenClaims): Record<string, unknown> {
  return {
    grant_type: TOKEN_EXCHANGE,
    client_id: clientId,
    audience: issued.aud,
    jti: issued.jti,
    subject_jti: subject.jti,
    sid: subject.sid,
    scope: issued.scope,
  };
}
