import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApiKeyAuthenticator, Authenticators } from '../common/auth/authenticators';
import { Principal } from '../common/auth/principal';
import { constantTimeEqual, sha256 } from '../common/crypto/secrets';
import { RevocationStore } from '../revocation/revocation-store.service';
import { effectiveExpiry, inactiveReason } from './api-key-state';
import { ApiKeyRecord } from './api-key.types';
import { ParsedApiKey, parseApiKey } from './api-key-format';
import { ApiKeyCache } from './api-key-cache.service';
import { ApiKeyEvents, KeyFailure } from './api-key-events';
import { OwnerPermissions } from './owner-permissions.service';

type Verified = { ok: true; record: ApiKeyRecord; permissions: string[] } | ({ ok: false } & KeyFailure);

/**
 * API key -> principal, and the RFC 7662 answer for a key, from memory in
 * steady state (DESIGN.md decision 4): the cached record, a constant-time
 * hash comparison, the revocation set (key, and owner: a disabled or erased
 * user, a deleted client), and the owner's cached permissions. A key can do
 * what its scope says and its owner can still do: scope ∩ owner permissions.
 * It writes nothing: failures and uses are emitted on ApiKeyEvents.
 */
@Injectable()
export class ApiKeyVerifier implements ApiKeyAuthenticator, OnModuleInit {
  /** Records and owner sets are replaced, never changed, on any change: identity is the cache key. */
  private readonly granted = new WeakMap<ApiKeyRecord, { held: ReadonlySet<string>; permissions: string[] }>();

  constructor(
    private readonly cache: ApiKeyCache,
    private readonly revocations: RevocationStore,
    private readonly ownerPermissions: OwnerPermissions,
    private readonly events: ApiKeyEvents,
    private readonly authenticators: Authenticators,
  ) {}

  onModuleInit(): void {
    this.authenticators.registerApiKey(this);
  }

  async authenticateApiKey(key: string): Promise<Principal | null> {
    const result = await this.verify(key);
    if (!result.ok) {
      // Decide only: the audit row is written by a listener (ApiKeyFailures), not by the guard.
      this.events.failed({ reason: result.reason, lookupId: result.lookupId, keyId: result.keyId });
      return null;
    }
    const { record, permissions } = result;
    return { kind: 'api_key', id: record.id, permissions: new Set(permissions), amr: [], owner: { ...record.owner } };
  }

  /**
   * A resource server checking a key is a use of the key; an inactive key is
   * just inactive (no audit row). Synchronous when the record and the owner's
   * permissions are in memory.
   */
  introspectApiKey(key: string): Record<string, unknown> | null | Promise<Record<string, unknown> | null> {
    const result = this.verify(key);
    return result instanceof Promise ? result.then(introspectionAnswer) : introspectionAnswer(result);
  }

  /** From memory when it can: the awaits (and on Node 20 their async-context hooks) only after a miss. */
  private verify(key: string): Verified | Promise<Verified> {
    const parsed = parseApiKey(key);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const record = this.cache.peek(parsed.lookupId);
    if (record !== undefined) return this.check(parsed, record);
    return this.cache.get(parsed.lookupId).then((loaded) => this.check(parsed, loaded));
  }

  private check(parsed: ParsedApiKey, record: ApiKeyRecord | null): Verified | Promise<Verified> {
    const { lookupId } = parsed;
    if (!record) return { ok: false, reason: 'unknown_key', lookupId };
    if (!constantTimeEqual(sha256(parsed.secret), record.secretHash)) {
      return { ok: false, reason: 'invalid_secret', lookupId, keyId: record.id };
    }
    const reason = inactiveReason(record, Date.now(), {
      keyRevoked: this.revocations.isRevoked({ apiKeyId: record.id }),
      ownerRevoked: this.ownerRevoked(record),
    });
    if (reason) return { ok: false, reason, lookupId, keyId: record.id };
    const held = this.ownerPermissions.cached(record.owner);
    if (held !== undefined) return this.grant(record, held);
    return this.ownerPermissions.of(record.owner).then((loaded) => this.grant(record, loaded));
  }

  private grant(record: ApiKeyRecord, held: ReadonlySet<string>): Verified {
    this.events.used({ id: record.id, knownLastUsed: record.lastUsedAt });
    return { ok: true, record, permissions: this.effective(record, held) };
  }

  /** scope ∩ owner permissions, kept per record for as long as the owner's set is the same object. */
  private effective(record: ApiKeyRecord, held: ReadonlySet<string>): string[] {
    const known = this.granted.get(record);
    if (known?.held === held) return known.permissions;
    const permissions = record.scope.filter((p) => held.has(p));
    this.granted.set(record, { held, permissions });
    return permissions;
  }

  private ownerRevoked(record: ApiKeyRecord): boolean {
    if (record.owner.type === 'client') {
      return record.ownerClientId !== null && this.revocations.isRevoked({ clientId: record.ownerClientId });
    }
    // Only `user_off` (disabled or erased) applies to keys: a user's `cutoff`
    // entry ends sessions issued before it, not long-lived keys. An iat
    // beyond any cutoff makes the store check user_off alone.
    return this.revocations.isRevoked({ userId: record.owner.id, iat: Number.MAX_SAFE_INTEGER });
  }
}

function introspectionAnswer(result: Verified): Record<string, unknown> | null {
  if (!result.ok) return null;
  const { record, permissions } = result;
  const answer: Record<string, unknown> = {
    active: true,
    token_type: 'api_key',
    sub: record.id,
    owner_type: record.owner.type,
    owner_id: record.owner.id,
    scope: permissions.join(' '),
  };
  const until = effectiveExpiry(record.expiresAt, record.graceExpiresAt);
  if (until !== null) answer.exp = Math.floor(until / 1000);
  return answer;
}
