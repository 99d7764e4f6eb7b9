import { Injectable, OnModuleInit } from '@nestjs/common';
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
  private readonly records = new Map<string, ApiKeyRecord>();
  private readonly unknown = new Map<string, number>();
  private readonly loading = new Map<string, Promise<ApiKeyRecord | null>>();
  /** Bumped by every invalidation: a load that started before one is not cached. */
  private epoch = 0;

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

  get(lookupId: string): Promise<ApiKeyRecord | null> {
    const hit = this.records.get(lookupId);
    if (hit) return Promise.resolve(hit);
    const until = this.unknown.get(lookupId);
    if (until !== undefined) {
      if (until > Date.now()) return Promise.resolve(null);
      this.unknown.delete(lookupId);
    }
    const inFlight = this.loading.get(lookupId);
    if (inFlight) return inFlight;
    const pending = this.load(lookupId).finally(() => {
      if (this.loading.get(lookupId) === pending) this.loading.delete(lookupId);
    });
    this.loading.set(lookupId, pending);
    return pending;
  }

  drop(lookupId: string): void {
    this.epoch += 1;
    this.records.delete(lookupId);
    this.unknown.delete(lookupId);
    this.loading.delete(lookupId);
  }

  clear(): void {
    this.epoch += 1;
    this.records.clear();
    this.unknown.clear();
    this.loading.clear();
  }

  size(): number {
    return this.records.size;
  }

  private async load(lookupId: string): Promise<ApiKeyRecord | null> {
    const epoch = this.epoch;
    const row = await this.repo.findRecord(lookupId);
    const record = row ? toRecord(row) : null;
    if (epoch === this.epoch) {
      if (record) bounded(this.records, MAX_RECORDS).set(lookupId, record);
      else bounded(this.unknown, MAX_UNKNOWN).set(lookupId, Date.now() + NEGATIVE_TTL_MS);
    }
    return record;
  }
}

/** Evicts the oldest entry of a full map (insertion order). */
function bounded<V>(map: Map<string, V>, max: number): Map<string, V> {
  if (map.size >= max) map.delete(map.keys().next().value as string);
  return map;
}
