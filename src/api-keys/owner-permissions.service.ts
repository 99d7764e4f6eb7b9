import { Injectable, OnModuleInit } from '@nestjs/common';
import { CLIENT_CHANGED } from '../clients/client-store.service';
import { Cache } from '../common/cache/cache';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { PermissionCache, RBAC_CHANGED } from '../rbac/permission-cache.service';
import { ApiKeyOwner } from './api-key.types';
import { ApiKeyOwnersRepository } from './api-key-owners.repository';

const MAX_OWNERS = 50_000;

const ownerKey = (owner: ApiKeyOwner): string => `${owner.type}:${owner.id}`;

/**
 * Current effective permissions of key owners (roles from user_roles or
 * client_roles, resolved through the PermissionCache), held in memory so a
 * key's principal costs no query. Any RBAC or client change on any instance
 * drops the whole map: such changes are rare, and stale grants are not.
 */
@Injectable()
export class OwnerPermissions implements OnModuleInit {
  private readonly cache = new Cache<string, ReadonlySet<string>>({ max: MAX_OWNERS });

  constructor(
    private readonly owners: ApiKeyOwnersRepository,
    private readonly permissions: PermissionCache,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    for (const type of [RBAC_CHANGED, CLIENT_CHANGED]) this.events.on(type, () => this.clear());
    this.events.onSync(async () => this.clear());
  }

  clear(): void {
    // Loads in flight are not kept: the cache's generation moves on (Cache.clear).
    this.cache.clear();
  }

  of(owner: ApiKeyOwner): Promise<ReadonlySet<string>> {
    return this.cache.getOrLoad(ownerKey(owner), () => this.load(owner));
  }

  /** The owner's permissions from memory, or undefined when only `of` can tell. Awaits nothing. */
  cached(owner: ApiKeyOwner): ReadonlySet<string> | undefined {
    return this.cache.get(ownerKey(owner));
  }

  private async load(owner: ApiKeyOwner): Promise<ReadonlySet<string>> {
    return this.permissions.permissionsOf(await this.owners.rolesOf(owner));
  }
}
