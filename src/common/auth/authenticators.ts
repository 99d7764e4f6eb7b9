import { Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/oauth-error';
import type { Principal } from './principal';

/** Client credentials as presented on the wire (already split from Basic or form). */
export interface PresentedClient {
  clientId: string;
  secret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface BearerAuthenticator {
  authenticateBearer(token: string): Promise<Principal | null>;
}
export interface ApiKeyAuthenticator {
  authenticateApiKey(key: string): Promise<Principal | null>;
  /**
   * The RFC 7662 answer for an active key: `{active: true, token_type: "api_key",
   * sub, owner_type, owner_id, scope, exp?}`; null when it is not active.
   */
  introspectApiKey(key: string): Record<string, unknown> | null | Promise<Record<string, unknown> | null>;
}
export interface ClientAuthenticatorPort {
  /** Throws OAuthError invalid_client on failure. */
  authenticateClient(presented: PresentedClient): Promise<Principal>;
}

/**
 * Whether this instance has heard every revocation up to now. Implemented by
 * the revocation module's NOTIFY bus; declared here so common/ need not
 * import it.
 */
export abstract class RevocationFreshness {
  abstract isFresh(): boolean;
}

/**
 * The seam between credential kinds and the places that accept them
 * (global guard, introspection, revocation). Feature modules register their
 * authenticator at start; consumers do not import those modules, which keeps
 * the module graph acyclic.
 */
@Injectable()
export class Authenticators {
  private bearerImpl?: BearerAuthenticator;

  constructor(private readonly freshness: RevocationFreshness) {}

  /**
   * Tokens and API keys are vouched for from memory; when the revocation
   * feed has been down past REVOCATION_STALENESS_SECONDS this instance may
   * have missed a revocation, so it refuses (503) rather than guess: on
   * /v1 as on introspection. Client secrets are not revocable that way.
   */
  private assertFresh(): void {
    if (!this.freshness.isFresh()) throw new OAuthError('temporarily_unavailable', 'revocation feed stale');
  }
  private apiKeyImpl?: ApiKeyAuthenticator;
  private clientImpl?: ClientAuthenticatorPort;

  registerBearer(impl: BearerAuthenticator): void {
    this.bearerImpl = impl;
  }
  registerApiKey(impl: ApiKeyAuthenticator): void {
    this.apiKeyImpl = impl;
  }
  registerClient(impl: ClientAuthenticatorPort): void {
    this.clientImpl = impl;
  }

  bearer(token: string): Promise<Principal | null> {
    this.assertFresh();
    return this.bearerImpl ? this.bearerImpl.authenticateBearer(token) : Promise.resolve(null);
  }
  apiKey(key: string): Promise<Principal | null> {
    this.assertFresh();
    return this.apiKeyImpl ? this.apiKeyImpl.authenticateApiKey(key) : Promise.resolve(null);
  }
  /** Synchronous when the key and its owner are in memory (the steady state): the hot path awaits nothing. */
  introspectApiKey(key: string): Record<string, unknown> | null | Promise<Record<string, unknown> | null> {
    return this.apiKeyImpl ? this.apiKeyImpl.introspectApiKey(key) : null;
  }
  client(presented: PresentedClient): Promise<Principal> {
    if (!this.clientImpl) throw new Error('no client authenticator registered');
    return this.clientImpl.authenticateClient(presented);
  }
}
