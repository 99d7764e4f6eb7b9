import { Injectable, OnModuleInit } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { Tx } from '../database/tx';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { RBAC_CHANGED } from '../rbac/permission-cache.service';
import { ClientRecord } from './client.types';
import { ClientsRepository, toRecord } from './clients.repository';

export const CLIENT_CHANGED = 'client.changed';
const NEGATIVE_TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;
const MAX_UNKNOWN = 10_000;

/**
 * Clients by client_id, in memory. Unknown ids are remembered briefly so a
 * flood of garbage ids does not become a flood of queries. Any change to a
 * client (secret rotation, deletion, roles) evicts it on every instance.
 */
@Injectable()
export class ClientStore implements OnModuleInit {
  // Known clients stay until a change evicts them; unknown ids for NEGATIVE_TTL_MS.
  private readonly cache = new Cache<string, ClientRecord | null>({
    max: MAX_ENTRIES,
    // Unknown ids in their own bound: a flood of made-up ids cannot push real clients out.
    maxAbsent: MAX_UNKNOWN,
    ttl: (record) => (record ? undefined : NEGATIVE_TTL_MS),
  });

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
    // Concurrent misses for one id share a single query (a cold start under load is one SELECT, not 32).
    return this.cache.getOrLoad(clientId, async (id) => {
      const row = await this.repo.findByClientId(id);
      return row ? toRecord(row) : null;
    });
  }

  private evict(clientId?: string): void {
    if (clientId === undefined) this.cache.clear();
    else this.cache.delete(clientId);
  }
}
