import { Injectable } from '@nestjs/common';
import { Authenticators } from '../common/auth/authenticators';
import { sha256 } from '../common/crypto/secrets';
import { OAuthError } from '../common/errors/oauth-error';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { RevocationStore } from '../revocation/revocation-store.service';
import { AccessTokenClaims } from '../tokens/access-token.types';
import { BearerPrincipals, isUserToken } from '../tokens/bearer-authenticator.service';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { REFRESH_PREFIX } from '../tokens/refresh-tokens.service';
import { INACTIVE, IntrospectionResponse } from './introspection.types';

const API_KEY_PREFIX = 'ak_';
const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/**
 * RFC 7662. The token's own form decides how it is checked (`ak_` API key,
 * `rt_` refresh token, else JWT), never `token_type_hint`, so a wrong hint
 * cannot change the answer. Access tokens and API keys are answered from
 * memory; if the revocation feed is stale the answer is 503, not a guess.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly authenticators: Authenticators,
    private readonly bearer: BearerPrincipals,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly revocations: RevocationStore,
    private readonly events: ClusterEvents,
  ) {}

  /** The answer for an authenticated caller holding tokens:introspect (the edge checked both). */
  async introspect(form: Record<string, string>): Promise<IntrospectionResponse> {
    const token = form.token;
    if (!token) throw new OAuthError('invalid_request', 'token missing');
    if (!this.events.isFresh()) throw new OAuthError('temporarily_unavailable', 'revocation feed stale');
    if (token.startsWith(API_KEY_PREFIX)) {
      const pending = this.authenticators.introspectApiKey(token);
      const answer = (pending instanceof Promise ? await pending : pending) as IntrospectionResponse | null;
      return answer ?? INACTIVE;
    }
    if (token.startsWith(REFRESH_PREFIX)) return this.refresh(token);
    // A token exchanged for another service is still this service's token to vouch for.
    const known = this.bearer.activeClaimsCached(token, true);
    const claims = known !== undefined ? known : await this.bearer.activeClaimsAfterMiss(token, true);
    return claims ? accessTokenAnswer(claims) : INACTIVE;
  }

  private async refresh(token: string): Promise<IntrospectionResponse> {
    const row = await this.refreshTokens.findActive(sha256(token));
    if (!row) return INACTIVE;
    const subject = { sid: row.family_id, userId: row.user_id, clientId: row.public_client_id };
    if (this.revocations.isRevoked({ ...subject, issuedAtMs: row.created_at.getTime() })) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      sub: row.user_id,
      client_id: row.public_client_id,
      scope: row.scope,
      exp: seconds(row.expires_at),
      iat: seconds(row.created_at),
    };
  }
}

function accessTokenAnswer(c: AccessTokenClaims): IntrospectionResponse {
  const answer: IntrospectionResponse = {
    active: true,
    token_type: 'Bearer',
    sub: c.sub,
    client_id: c.client_id,
    scope: c.scope,
    roles: c.roles,
    exp: c.exp,
    iat: c.iat,
    nbf: c.nbf,
    iss: c.iss,
    aud: c.aud,
    jti: c.jti,
  };
  if (isUserToken(c)) Object.assign(answer, { username: c.username, amr: c.amr });
  // RFC 8693 §4.1: an exchanged token names who acts for the subject.
  if (c.act !== undefined) answer.act = c.act;
  // RFC 8705 §3.2: the resource server checks the binding against the certificate it sees.
  if (c.cnf !== undefined) Object.assign(answer, { cnf: c.cnf });
  return answer;
}
