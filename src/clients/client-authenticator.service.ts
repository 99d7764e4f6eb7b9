import { Injectable, OnModuleInit } from '@nestjs/common';
import { FailureAudit } from '../audit/failure-audit.service';
import { Authenticators, ClientAuthenticatorPort, PresentedClient } from '../common/auth/authenticators';
import { Principal } from '../common/auth/principal';
import { Cache } from '../common/cache/cache';
import { constantTimeEqual, sha256, sha256Hex } from '../common/crypto/secrets';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { MetricsService } from '../health/metrics.service';
import { RBAC_CHANGED } from '../rbac/permission-cache.service';
import { OAuthError } from '../common/errors/oauth-error';
import { RequestContext } from '../common/http/request-context';
import { PermissionCache } from '../rbac/permission-cache.service';
import type { ClientCertificate } from '../tls/client-certificate';
import { certificateMatches } from './certificate-binding';
import { ClientRecord } from './client.types';
import { CLIENT_CHANGED, ClientStore } from './client-store.service';

const DUMMY_HASH = sha256('no such client');
const MAX_CACHED_PRINCIPALS = 10_000;
/** Printable ASCII without spaces; anything else cannot name a client and never reaches SQL. */
const CLIENT_ID = /^[\x21-\x7E]{1,128}$/;

/**
 * Client authentication in one place (client_secret_basic,
 * client_secret_post, none, and RFC 8705's tls_client_auth and
 * self_signed_tls_client_auth). Secrets are compared as SHA-256 hashes in
 * constant time; an unknown client costs the same comparison. A client
 * registered with a certificate method presents its client_id alone and is
 * recognised only by the request's certificate; every other client ignores
 * a certificate it happens to present.
 */
@Injectable()
export class ClientAuthenticator implements ClientAuthenticatorPort, OnModuleInit {
  /** Hash of presented credentials -> principal, until a change or the end of a secret's grace. */
  private readonly principals = new Cache<string, { principal: Principal; until: number }>({
    max: MAX_CACHED_PRINCIPALS,
    ttl: (entry) => entry.until - Date.now(),
  });

  constructor(
    private readonly events: ClusterEvents,
    private readonly store: ClientStore,
    private readonly permissions: PermissionCache,
    private readonly authenticators: Authenticators,
    private readonly failures: FailureAudit,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.authenticators.registerClient(this);
    // Any client, role or permission change on any instance drops every cached principal.
    for (const type of [CLIENT_CHANGED, RBAC_CHANGED]) this.events.on(type, () => this.principals.clear());
    this.events.onSync(async () => this.principals.clear());
  }

  /**
   * Principal for presented credentials (and the request's certificate).
   * Successful authentications are cached by the hash of (client_id, secret,
   * certificate thumbprint and whether it chains now) so callers on the hot
   * path (introspection) cost one hash and one lookup; a cached principal is
   * never reached without the same certificate, and a certificate revoked
   * since no longer chains, so it misses. Failures are never cached.
   */
  async authenticateClient(presented: PresentedClient, certificate?: ClientCertificate): Promise<Principal> {
    const cert = presented.method === 'none' ? certificate : undefined;
    const proof = cert === undefined ? '' : `${cert.thumbprint}:${cert.chained}`;
    const key = sha256Hex(
      `${presented.method}\u0000${presented.clientId}\u0000${presented.secret ?? ''}\u0000${proof}`,
    );
    const hit = this.principals.get(key);
    this.metrics.cacheLookups.inc({ cache: 'client_credentials', result: hit ? 'hit' : 'miss' });
    if (hit) return hit.principal;
    // Concurrent requests with the same credentials share one check; a failure throws and is not kept.
    return (await this.principals.getOrLoad(key, () => this.load(presented, cert))).principal;
  }

  private async load(
    presented: PresentedClient,
    cert?: ClientCertificate,
  ): Promise<{ principal: Principal; until: number }> {
    const client = await this.authenticateRecord(presented, cert);
    const principal = await this.principalOf(client);
    if (client.certificate !== null && cert !== undefined) {
      // Good only while the certificate is: past its validity the next call checks again (and fails).
      return { principal: { ...principal, certificateThumbprint: cert.thumbprint }, until: cert.validTo.getTime() };
    }
    // A secret in its rotation grace period is good only until the grace ends.
    const viaPrevious =
      client.secretHash === null ||
      presented.secret === undefined ||
      !constantTimeEqual(sha256(presented.secret), client.secretHash);
    const until =
      client.confidential && viaPrevious ? (client.previousSecretExpiresAt?.getTime() ?? 0) : Number.POSITIVE_INFINITY;
    return { principal, until };
  }

  /** The authenticated client's record; throws invalid_client (and audits) on failure. */
  async authenticateRecord(presented: PresentedClient, certificate?: ClientCertificate): Promise<ClientRecord> {
    const client = CLIENT_ID.test(presented.clientId) ? await this.store.get(presented.clientId) : null;
    const reason = this.check(client, presented, presented.method === 'none' ? certificate : undefined);
    if (reason) {
      // Damped: one row per IP, client and reason per minute, with a count (a wrong-secret flood is not a write flood).
      const ip = RequestContext.current().ip ?? '-';
      await this.failures.record(
        {
          eventType: 'client.auth_failed',
          outcome: 'failure',
          actor: { type: 'anonymous', id: null },
          subject: client ? { type: 'client', id: client.clientId } : undefined,
          details: { reason, method: presented.method },
        },
        `${ip}|${client?.clientId ?? '-'}|${reason}`,
      );
      const headers: Record<string, string> =
        presented.method === 'client_secret_basic' ? { 'www-authenticate': 'Basic realm="auth"' } : {};
      throw new OAuthError('invalid_client', reason, { headers });
    }
    return client!;
  }

  async principalOf(client: ClientRecord): Promise<Principal> {
    return {
      kind: 'client',
      id: client.clientId,
      clientId: client.clientId,
      clientUuid: client.id,
      permissions: await this.permissions.permissionsOf(client.roles),
      amr: [],
    };
  }

  /** The failure reason, or null when the presented credentials are good. */
  private check(client: ClientRecord | null, presented: PresentedClient, cert?: ClientCertificate): string | null {
    const presentedHash = presented.secret !== undefined ? sha256(presented.secret) : undefined;
    const current = client?.secretHash ?? DUMMY_HASH;
    const currentOk = presentedHash !== undefined && constantTimeEqual(presentedHash, current);
    const previousValid = !!client?.previousSecretHash && (client.previousSecretExpiresAt?.getTime() ?? 0) > Date.now();
    const previousOk =
      presentedHash !== undefined && previousValid && constantTimeEqual(presentedHash, client!.previousSecretHash!);
    if (!client || client.deleted) return 'unknown_client';
    if (client.certificate !== null) {
      // RFC 8705 §2: such a client has no secret; a secret sent for it is a failure, never a fallback.
      if (presented.method !== 'none') return 'certificate_client_sent_secret';
      if (cert === undefined) return 'no_certificate';
      return certificateMatches(client.certificate, cert) ? null : 'certificate_mismatch';
    }
    if (!client.confidential) {
      return presented.method === 'none' ? null : 'public_client_sent_secret';
    }
    if (presented.method === 'none') return 'secret_required';
    return currentOk || previousOk ? null : 'invalid_secret';
  }
}
