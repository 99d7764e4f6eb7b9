import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Tx } from '../database/tx';
import { RBAC_CHANGED } from '../rbac/permission-cache.service';
import { ClientRecord } from './client.types';
import { ClientsRepository, toRecord } from './clients.repository';

export const CLIENT_CHANGED = 'client.changed';
const NEGATIVE_TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

/**
 * Clients by client_id, in memory. Unknown ids are remembered briefly so a
 * flood of garbage ids does not become a flood of queries. Any change to a
 * client (secret rotation, deletion, roles) evicts it on every instance.
 */
@Injectable()
export class ClientStore implements OnModuleInit {
  private readonly cache = new Map<string, { record: ClientRecord | null; until: number }>();
  private readonly loading = new Map<string, Promise<ClientRecord | null>>();
  private generation = 0;

  constructor(
    private readonly repo: ClientsRepository,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events.on(CLIENT_CHANGED, (e) => this.evict(String(e.clientId)));
    this.events.on(RBAC_CHANGED, () => this.evict());
    this.events.onSync(async () => this.evict());
  }

  async changed(tx: Tx, clientId: string): Promise<void> {
    await this.events.publish(tx, { type: CLIENT_CHANGED, clientId });
  }

  async get(clientId: string): Promise<ClientRecord | null> {
    const hit = this.cache.get(clientId);
    if (hit && hit.until > Date.now()) return hit.record;
    // Concurrent misses for one id share a single query (a cold start under load is one SELECT, not 32).
    let pending = this.loading.get(clientId);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(clientId, generation).finally(() => this.loading.delete(clientId));
      this.loading.set(clientId, pending);
    }
    return pending;
  }

  private async load(clientId: string, generation: number): Promise<ClientRecord | null> {
    const row = await this.repo.findByClientId(clientId);
    const record = row ? toRecord(row) : null;
    // A change that arrived while the query ran makes its answer stale: return it, do not keep it.
    if (generation !== this.generation) return record;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(clientId, { record, until: record ? Number.POSITIVE_INFINITY : Date.now() + NEGATIVE_TTL_MS });
    return record;
  }

  private evict(clientId?: string): void {
    this.generation++;
    this.loading.clear();
    if (clientId === undefined) this.cache.clear();
    else this.cache.delete(clientId);
  }
}
