export type PrincipalKind = 'user' | 'client' | 'api_key';

/** Who is calling, as established by a credential. */
export interface Principal {
  kind: PrincipalKind;
  /** user id, public client_id, or API key id */
  id: string;
  permissions: ReadonlySet<string>;
  /** For user tokens: authentication methods (`pwd`, `otp`). */
  amr: readonly string[];
  username?: string;
  /** The client a token was issued to (public client_id). */
  clientId?: string;
  /** Internal client row id for client principals. */
  clientUuid?: string;
  /** For API keys: their owner. */
  owner?: { type: 'user' | 'client'; id: string };
  /** For access tokens: their jti and refresh family. */
  jti?: string;
  sid?: string;
  /**
   * For access tokens: false when issued without a narrowing scope, so
   * permissions the principal's roles gained since count as held (RbacPolicy).
   */
  scopeNarrowed?: boolean;
  /** A client authenticated by its certificate (RFC 8705): the certificate's `x5t#S256`. */
  certificateThumbprint?: string;
}

/**
 * Who acted, as the audit log records it. Declared here (structurally the
 * audit module's AuditActor) so that common/ does not import audit/.
 */
export interface ActorRef {
  type: PrincipalKind | 'anonymous';
  id: string | null;
}

export function auditActor(principal: Principal | undefined): ActorRef {
  if (!principal) return { type: 'anonymous', id: null };
  return { type: principal.kind, id: principal.id };
}
