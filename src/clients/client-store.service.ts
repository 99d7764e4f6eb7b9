import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClusterEvents } from '../database/cluster-events.service';
import { Tx } from '../database/tx';
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

  constructor(
    private readonly repo: ClientsRepository,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events.on(CLIENT_CHANGED, (e) => this.cache.delete(String(e.clientId)));
    this.events.on('rbac.changed', () => this.cache.clear());
    this.events.onSync(async () => this.cache.clear());
  }

  async changed(tx: Tx, clientId: string): Promise<void> {
    await this.events.publish(tx, { type: CLIENT_CHANGED, clientId });
  }

  async get(clientId: string): Promise<ClientRecord | null> {
    const hit = this.cache.get(clientId);
    if (hit && hit.until > Date.now()) return hit.record;
    const row = await this.repo.findByClientId(clientId);
    const record = row ? toRecord(row) : null;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(clientId, { record, until: record ? Number.POSITIVE_INFINITY : Date.now() + NEGATIVE_TTL_MS });
    return record;
  }
}
