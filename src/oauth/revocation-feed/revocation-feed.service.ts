import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ROOT_LOGGER, RootLogger } from '../../common/logging/logging.module';
import { AppConfig } from '../../config/app-config';
import { ClusterEvents } from '../../revocation/cluster-events.service';
import { RevocationFeedRepository } from '../../revocation/revocation-feed.repository';
import { FEED_APPENDED, FeedItem, FeedPage } from '../../revocation/revocation-feed.types';

/** Where a stream's bytes go (an HTTP response, whatever the transport). */
export interface FeedSink {
  write(chunk: string): void;
  end(): void;
}

interface Subscriber {
  sink: FeedSink;
  /** The last cursor this subscriber has been sent (or starts after). */
  last: bigint;
  /** Entries broadcast while its own catch-up query ran, delivered after it. */
  pending: FeedItem[] | null;
}

export const DEFAULT_PAGE = 500;
const BATCH = 1_000;
const PRUNE_MS = 60_000;
const RETRY_MS = 1_000;
const HEARTBEAT = ': keep-alive\n\n';

const frame = (item: FeedItem): string => `id: ${item.cursor}\ndata: ${JSON.stringify(item.entry)}\n\n`;

/**
 * The revocation feed, independent of HTTP. Every open stream hangs off ONE
 * instance-wide reader: a NOTIFY (or a reconnect of the LISTEN connection)
 * makes it read the rows after its high-water mark once and hand each frame
 * to every stream, so 500 streams cost the same queries as one. After a lost
 * database connection the reader resumes from its last cursor, so no entry
 * is skipped; a stream resumed with Last-Event-ID first reads what it missed.
 */
@Injectable()
export class RevocationFeedService implements OnModuleInit, OnModuleDestroy {
  private readonly subscribers = new Set<Subscriber>();
  /** Highest cursor read by this instance; undefined until the first sync. */
  private head: bigint | undefined;
  private draining: Promise<void> | null = null;
  private again = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly repo: RevocationFeedRepository,
    private readonly events: ClusterEvents,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    this.events.on(FEED_APPENDED, () => void this.pull().catch((err: unknown) => this.retryLater(err)));
    // Runs at start and after every reconnect of LISTEN: read what was appended while deaf.
    this.events.onSync(() => this.pull());
    this.timers.push(setInterval(() => this.beat(), this.config.revocationFeedHeartbeatSeconds * 1000));
    this.timers.push(setInterval(() => void this.prune(), PRUNE_MS));
    for (const t of this.timers) t.unref();
  }

  /** Ends every stream (shutdown): readers reconnect elsewhere with their Last-Event-ID. */
  onModuleDestroy(): void {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.subscribers) s.sink.end();
    this.subscribers.clear();
  }

  get streams(): number {
    return this.subscribers.size;
  }

  /** A page of the log. Without `after`: every entry still in force, up to a consistent head. */
  async list(after: string | undefined, limit = DEFAULT_PAGE): Promise<FeedPage> {
    const upTo = after === undefined ? await this.repo.head() : undefined;
    const items = await this.repo.page(after ?? '0', upTo, limit);
    const last = items.at(-1)?.cursor;
    const next = items.length === limit ? last! : after === undefined ? upTo! : (last ?? after);
    return { items: items.map((i) => i.entry), next_cursor: next };
  }

  /**
   * Opens a stream: with `after` (Last-Event-ID) every entry after it, then
   * new ones; without, only entries committed after now. Returns the
   * unsubscribe. The subscriber is registered first and buffers what the
   * shared reader broadcasts while its own starting point is read, so no
   * entry falls between the two.
   */
  async subscribe(after: string | undefined, sink: FeedSink): Promise<() => void> {
    const subscriber: Subscriber = { sink, last: 0n, pending: [] };
    const unsubscribe = (): void => void this.subscribers.delete(subscriber);
    this.subscribers.add(subscriber);
    try {
      if (after === undefined) subscriber.last = BigInt(await this.repo.head());
      else await this.catchUp(subscriber, BigInt(after));
    } catch (err) {
      unsubscribe();
      throw err;
    }
    const pending = subscriber.pending ?? [];
    subscriber.pending = null;
    for (const item of pending) this.deliver(subscriber, item, frame(item));
    sink.write(': connected\n\n');
    return unsubscribe;
  }

  private async catchUp(subscriber: Subscriber, after: bigint): Promise<void> {
    subscriber.last = after;
    for (;;) {
      const items = await this.repo.page(subscriber.last.toString(), undefined, BATCH);
      for (const item of items) this.deliver(subscriber, item, frame(item));
      if (items.length < BATCH) break;
    }
  }

  /** One read for every stream; concurrent calls coalesce into one more pass. */
  private pull(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drain().finally(() => (this.draining = null));
    return this.draining;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      if (this.head === undefined) {
        this.head = BigInt(await this.repo.head());
        continue;
      }
      for (;;) {
        const items = await this.repo.page(this.head.toString(), undefined, BATCH);
        for (const item of items) this.broadcast(item);
        if (items.length < BATCH) break;
      }
    } while (this.again);
  }

  private broadcast(item: FeedItem): void {
    this.head = BigInt(item.cursor);
    const chunk = frame(item);
    for (const subscriber of this.subscribers) {
      if (subscriber.pending) subscriber.pending.push(item);
      else this.deliver(subscriber, item, chunk);
    }
  }

  private deliver(subscriber: Subscriber, item: FeedItem, chunk: string): void {
    const cursor = BigInt(item.cursor);
    if (cursor <= subscriber.last) return;
    subscriber.last = cursor;
    subscriber.sink.write(chunk);
  }

  private beat(): void {
    for (const subscriber of this.subscribers) if (!subscriber.pending) subscriber.sink.write(HEARTBEAT);
  }

  /** A read that failed while LISTEN stayed up would otherwise wait for the next revocation. */
  private retryLater(err: unknown): void {
    this.logger.warn({ err: (err as Error).message }, 'revocation feed read failed; retrying');
    setTimeout(() => void this.pull().catch((e: unknown) => this.retryLater(e)), RETRY_MS).unref();
  }

  private async prune(): Promise<void> {
    try {
      await this.repo.prune();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'revocation feed prune failed');
    }
  }
}
