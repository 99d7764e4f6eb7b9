import { Injectable } from '@nestjs/common';
import { FailureAudit } from '../../audit/failure-audit.service';
import { ClientAuthenticator } from '../../clients/client-authenticator.service';
import { ClientCertificates } from '../../clients/client-certificates.service';
import { Authenticators } from '../../common/auth/authenticators';
import { PresentedCredentials, readCredentials } from '../../common/auth/credentials';
import { Principal } from '../../common/auth/principal';
import { OAuthError } from '../../common/errors/oauth-error';
import { RequestContext } from '../../common/http/request-context';
import type { ClientCertificate } from '../../tls/client-certificate';
import type { Caller, EdgeRequest } from './edge.types';
import type { OAuthRoute } from './route-table';

const NOBODY: Caller = Object.freeze({ kind: 'none' });

/**
 * The one authentication chain of the protocol edge (node-oidc-provider's
 * client_auth.js, in spirit): one method per request, secrets compared in
 * constant time by the client and credential authenticators it calls. The
 * route's policy (route-table.ts) says which links apply. Every failure is
 * 401 invalid_client with a fixed description; the reason goes to the log
 * and, where the route audits failures, to the one failure damper (a row per IP,
 * reason and window, with a count).
 */
@Injectable()
export class CallerAuthenticator {
  constructor(
    private readonly authenticators: Authenticators,
    private readonly clients: ClientAuthenticator,
    private readonly failures: FailureAudit,
    private readonly certificates: ClientCertificates,
  ) {}

  async authenticate(route: OAuthRoute, request: EdgeRequest): Promise<Caller> {
    if (route.auth === 'none') return NOBODY;
    let presented: PresentedCredentials;
    try {
      presented = readCredentials(request.headers, request.body);
    } catch (err) {
      if (err instanceof OAuthError && err.code === 'invalid_client') return this.fail(route, err.reason, err.headers);
      throw err;
    }
    // Only a bare client_id can be proven by a certificate (RFC 8705 §2); a secret is judged as a secret.
    const certificate = presented.client?.method === 'none' ? this.certificates.of(request) : undefined;
    if (route.auth === 'client') {
      if (presented.client === undefined) throw new OAuthError('invalid_client', 'no client authentication');
      const client = await this.clients.authenticateRecord(presented.client, certificate);
      const certificateThumbprint = client.certificate ? certificate?.thumbprint : undefined;
      return { kind: 'client', client, certificateThumbprint };
    }
    return this.caller(route, presented, certificate);
  }

  private async caller(
    route: OAuthRoute,
    presented: PresentedCredentials,
    certificate?: ClientCertificate,
  ): Promise<Caller> {
    const kinds = [presented.apiKey, presented.bearer, presented.client].filter((c) => c !== undefined).length;
    if (kinds !== 1) return this.fail(route, kinds === 0 ? 'no_credentials' : 'several_credentials');
    if (presented.client !== undefined) {
      const bare = presented.client.method === 'none';
      // A bare client_id without a certificate proves nothing: anybody can send it. Refused
      // before any lookup, so a public client's id and an unknown one get the same answer.
      if (bare && certificate === undefined && route.auth !== 'caller_or_public_client') {
        return this.fail(route, 'client_id_without_secret');
      }
      let principal: Principal;
      try {
        principal = await this.clients.authenticateClient(presented.client, certificate);
      } catch (err) {
        if (err instanceof OAuthError) return this.fail(route, err.reason, err.headers);
        throw err;
      }
      // A bare client_id that a certificate did not prove is a public client's.
      const publicClient = bare && principal.certificateThumbprint === undefined;
      if (publicClient && route.auth !== 'caller_or_public_client') return this.fail(route, 'client_id_without_secret');
      return { kind: 'principal', principal, publicClient };
    }
    const principal =
      presented.apiKey !== undefined
        ? await this.authenticators.apiKey(presented.apiKey)
        : await this.authenticators.bearer(presented.bearer!);
    if (principal === null)
      return this.fail(route, presented.apiKey !== undefined ? 'invalid_api_key' : 'invalid_bearer_token');
    return { kind: 'principal', principal, publicClient: false };
  }

  private async fail(route: OAuthRoute, reason: string, headers: Record<string, string> = {}): Promise<never> {
    const meta = RequestContext.current();
    if (route.auditFailures !== undefined) {
      await this.failures.record(
        {
          eventType: route.auditFailures,
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
