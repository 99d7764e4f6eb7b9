import { Injectable } from '@nestjs/common';
import { Principal } from '../common/auth/principal';
import { ProblemError } from '../common/errors/problem-error';
import { ApiKeyOwner, OwnerType } from './api-key.types';
import { ApiKeyOwnersRepository, UUID } from './api-key-owners.repository';
import { OwnerPermissions } from './owner-permissions.service';
import { RbacPolicy } from '../rbac/rbac-policy.service';

const ownerError = (message: string): ProblemError => ProblemError.validation([{ field: 'owner_id', message }]);

/**
 * Who owns a key. The default is the caller: a user token's user, a client
 * token's client, an API key's own owner. An owner named in a request body
 * that does not exist is a 400 (a bad reference in the body, not a missing
 * resource at the URL).
 */
@Injectable()
export class ApiKeyOwners {
  constructor(
    private readonly repo: ApiKeyOwnersRepository,
    private readonly ownerPermissions: OwnerPermissions,
    private readonly policy: RbacPolicy,
  ) {}

  async forCreate(
    principal: Principal,
    type: OwnerType | undefined,
    id: string | undefined,
    held: ReadonlySet<string>,
  ): Promise<ApiKeyOwner> {
    if (id === undefined) {
      const caller = await this.ofCaller(principal);
      if (type !== undefined && type !== caller.type)
        throw ownerError(`is required when owner_type differs from the caller's (${caller.type})`);
      return caller;
    }
    if (type === undefined)
      throw ProblemError.validation([{ field: 'owner_type', message: 'is required with owner_id' }]);
    const owner = await this.named(type, id);
    await this.assertMayMintFor(principal, owner, held);
    return owner;
  }

  /**
   * A key acts, and is audited, as its owner, and lives as long as its owner
   * does. Minting one for someone else (by creation or by rotation, which
   * hands out a fresh secret) is therefore administering that identity: it
   * needs the owner kind's write permission, not api_keys:write alone (else
   * a key-writer could act as any user and outlive being disabled), and the
   * owner may hold nothing the caller does not (`held`, RbacPolicy): nobody
   * acts on a principal who holds more than they do, so a helpdesk user
   * cannot mint a key for an admin that outlives the helpdesk user's rights.
   */
  async assertMayMintFor(principal: Principal, owner: ApiKeyOwner, held: ReadonlySet<string>): Promise<void> {
    const caller = await this.ofCaller(principal).catch(() => undefined);
    if (caller?.type === owner.type && caller.id === owner.id) return;
    const needed = owner.type === 'user' ? 'users:write' : 'clients:write';
    if (!held.has(needed)) {
      throw ProblemError.forbidden(`Minting an API key for another ${owner.type} requires ${needed}.`);
    }
    this.policy.assertNotOutranked(held, await this.ownerPermissions.of(owner));
  }

  private async named(type: OwnerType, id: string): Promise<ApiKeyOwner> {
    if (type === 'user') {
      const user = await this.repo.findUser(id);
      if (!user) throw ownerError('does not name an existing user');
      if (user.disabled) throw ownerError('names a disabled user');
      return { type, id: user.id };
    }
    const client = await this.repo.findClient(id);
    if (!client) throw ownerError('does not name an existing client');
    return { type, id: client.id };
  }

  /** An owner filter for listing (erased and deleted owners included: their keys remain listed). */
  async find(type: OwnerType, id: string): Promise<ApiKeyOwner | undefined> {
    if (type === 'user') return UUID.test(id) ? { type, id: id.toLowerCase() } : undefined;
    const client = await this.repo.findClient(id, true);
    return client ? { type, id: client.id } : undefined;
  }

  private async ofCaller(principal: Principal): Promise<ApiKeyOwner> {
    if (principal.kind === 'api_key' && principal.owner) return principal.owner;
    if (principal.kind === 'user') return { type: 'user', id: principal.id };
    if (principal.kind === 'client') {
      if (principal.clientUuid) return { type: 'client', id: principal.clientUuid };
      // Bearer client tokens carry the public client_id only.
      const client = await this.repo.findClient(principal.clientId ?? principal.id);
      if (client) return { type: 'client', id: client.id };
    }
    throw ProblemError.forbidden('The caller cannot own API keys.');
  }
}
