import { Injectable, OnModuleInit } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';

export const RBAC_CHANGED = 'rbac.changed';

interface Snapshot {
  all: string[];
  byRole: Map<string, ReadonlySet<string>>;
}

/**
 * Role -> permissions, held in memory and rebuilt lazily after any RBAC
 * change on any instance (the same fan-out as revocation).
 */
@Injectable()
export class PermissionCache implements OnModuleInit {
  /** One entry: the whole role -> permissions snapshot, rebuilt by one query set after a change. */
  private readonly snapshot = new Cache<'rbac', Snapshot>({ max: 1 });

  constructor(
    private readonly db: Database,
    private readonly events: ClusterEvents,
  ) {}

  onModuleInit(): void {
    this.events.on(RBAC_CHANGED, () => this.invalidate());
    this.events.onSync(async () => this.invalidate());
  }

  invalidate(): void {
    this.snapshot.clear();
  }

  /** Announces an RBAC change inside the writing transaction. */
  async changed(tx: Tx): Promise<void> {
    await this.events.publish(tx, { type: RBAC_CHANGED });
  }

  async permissionsOf(roles: Iterable<string>): Promise<Set<string>> {
    const snap = await this.load();
    const result = new Set<string>();
    for (const role of roles) for (const p of snap.byRole.get(role) ?? []) result.add(p);
    return result;
  }

  async allPermissions(): Promise<string[]> {
    return (await this.load()).all;
  }

  private load(): Promise<Snapshot> {
    return this.snapshot.getOrLoad('rbac', () => this.build());
  }

  private async build(): Promise<Snapshot> {
    const permissions = await this.db.query<{ name: string }>('SELECT name FROM permissions ORDER BY name');
    const roles = await this.db.query<{ name: string; all_permissions: boolean }>(
      'SELECT name, all_permissions FROM roles',
    );
    const links = await this.db.query<{ role_name: string; permission_name: string }>(
      'SELECT role_name, permission_name FROM role_permissions',
    );
    const all = permissions.map((p) => p.name);
    const byRole = new Map<string, ReadonlySet<string>>();
    for (const role of roles) byRole.set(role.name, new Set(role.all_permissions ? all : []));
    for (const link of links) (byRole.get(link.role_name) as Set<string> | undefined)?.add(link.permission_name);
    return { all, byRole };
  }
}
