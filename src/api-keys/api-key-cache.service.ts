import { Injectable, OnModuleInit } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { REVOCATION_REMOVED } from '../revocation/revocation.types';
import { API_KEY_CHANGED, ApiKeyRecord } from './api-key.types';
import { ApiKeyRecordRow, ApiKeysRepository } from './api-keys.repository';

const MAX_RECORDS = 100_000;
const MAX_UNKNOWN = 10_000;
/** Unknown lookup ids are remembered this long: a garbage flood costs one query per id, not per request. */
const NEGATIVE_TTL_MS = 5_000;

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);

function toRecord(row: ApiKeyRecordRow): ApiKeyRecord {
  return {
    id: row.id,
    lookupId: row.lookup_id,
    secretHash: row.secret_hash,
    scope: row.scope.split(' ').filter(Boolean),
    owner: { type: row.owner_type, id: row.owner_id },
    ownerClientId: row.owner_client_id,
    ownerActive: row.owner_active,
    expiresAt: ms(row.expires_at),
    revokedAt: ms(row.revoked_at),
    graceExpiresAt: ms(row.grace_expires_at),
    lastUsedAt: ms(row.last_used_at),
  };
}

/**
 * Key records by lookup id (DESIGN.md decision 4): loaded on a miss, then
 * served from memory until a cluster event says the key changed. After a
 * lost feed everything is dropped and reloaded on demand. Time-based states
 * (expiry, end of grace) need no event: the record carries the times.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit {
  /** Known keys until an event says they changed; unknown lookup ids briefly, in their own bound. */
  private readonly records = new Cache<string, ApiKeyRecord | null>({
    max: MAX_RECORDS,
    maxAbsent: MAX_UNKNOWN,
    ttl: (record) => (record ? undefined : NEGATIVE_TTL_MS),
  });

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events.on(API_KEY_CHANGED, (e) => this.drop(String(e.lookupId)));
    // A lifted user_off/client entry (owner re-enabled): owner state is part of the records.
    this.events.on(REVOCATION_REMOVED, () => this.clear());
    this.events.onSync(async () => this.clear());
  }

  /** The record from memory (null: known unknown), or undefined when only `get` can tell. Awaits nothing. */
  peek(lookupId: string): ApiKeyRecord | null | undefined {
    return this.records.get(lookupId);
  }

  get(lookupId: string): Promise<ApiKeyRecord | null> {
    return this.records.getOrLoad(lookupId, async (id) => {
      const row = await this.repo.findRecord(id);
      return row ? toRecord(row) : null;
    });
  }

  drop(lookupId: string): void {
    this.records.delete(lookupId);
  }

  clear(): void {
    this.records.clear();
  }

  size(): number {
    return this.records.size;
  }
}
