import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ClusterEvents } from './cluster-events.service';
import { Tx } from '../database/tx';
import { RevocationEntry } from './revocation.types';
import { RevocationFeedRepository } from './revocation-feed.repository';
import { FEED_APPENDED, FeedEntry } from './revocation-feed.types';

/**
 * The shortest life of an entry. Some die as they are written (a key rotated
 * without grace "expires" now), yet a reader must still see them: a kit
 * keeps introspection answers for API keys up to 30 s, and clocks drift.
 */
export const MIN_ENTRY_SECONDS = 120;

/** `until` never earlier than MIN_ENTRY_SECONDS after the revocation (null stays null: for ever). */
export function withMinimumLife(entry: FeedEntry): FeedEntry {
  if (entry.until === null) return entry;
  return { ...entry, until: Math.max(entry.until, entry.revoked_at + MIN_ENTRY_SECONDS) };
}

/**
 * The revocation set's entry as a resource service must see it, or null when
 * it adds nothing a token check can use. `user_off` (a disabled user) is
 * always written with a `user` cutoff, which is the `sub` entry; `client`
 * kills the client's own tokens, whose `sub` is its client_id.
 */
export function toFeedEntry(entry: RevocationEntry, now: number, accessTokenTtl: number): FeedEntry | null {
  const until = entry.expiresAt ?? null;
  switch (entry.kind) {
    case 'jti':
    case 'sid':
    case 'api_key':
      return { kind: entry.kind, value: entry.subject, revoked_at: now, until };
    case 'user':
      return {
        kind: 'sub',
        value: entry.subject,
        // Whole seconds on the wire, like token claims; the service itself compares milliseconds.
        revoked_at: entry.cutoffMs != null ? Math.floor(entry.cutoffMs / 1000) : now,
        until: until ?? now + accessTokenTtl,
      };
    case 'client':
      // Its last access token expires one TTL from now, whatever the open-ended in-memory entry says.
      return { kind: 'sub', value: entry.subject, revoked_at: now, until: now + accessTokenTtl };
    default:
      return null;
  }
}

/**
 * Appends to the revocation feed inside the transaction of the revocation it
 * announces. The rows are written once, just before COMMIT (so the ordering
 * lock is held only for that instant), followed by one NOTIFY: every
 * instance then reads the new rows once for all of its open streams.
 */
@Injectable()
export class RevocationFeedWriter {
  private readonly pending = new WeakMap<Tx, FeedEntry[]>();

  constructor(
    private readonly config: AppConfig,
    private readonly repo: RevocationFeedRepository,
    private readonly events: ClusterEvents,
  ) {}

  append(tx: Tx, entry: FeedEntry): void {
    let entries = this.pending.get(tx);
    if (!entries) {
      const list: FeedEntry[] = [];
      entries = list;
      this.pending.set(tx, list);
      tx.beforeCommit(async () => {
        await this.repo.append(tx, list);
        await this.events.publish(tx, { type: FEED_APPENDED });
      });
    }
    entries.push(withMinimumLife(entry));
  }

  /** The feed side of RevocationService.revoke. */
  appendRevocation(tx: Tx, entry: RevocationEntry): void {
    const feed = toFeedEntry(entry, Math.floor(Date.now() / 1000), this.config.accessTokenTtl);
    if (feed) this.append(tx, feed);
  }
}
