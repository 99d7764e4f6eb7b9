import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { Runtime } from '../config/runtime';
import { Tx } from '../database/tx';

export interface ClusterEvent {
  type: string;
  [field: string]: unknown;
}

type Handler = (event: ClusterEvent) => void;
type SyncHandler = () => Promise<void>;

const CHANNEL = 'auth_events';
const HEARTBEAT_MS = 2_000;

/**
 * Cross-instance cache invalidation over PostgreSQL LISTEN/NOTIFY
 * (DESIGN.md decision 5). `publish` sends NOTIFY inside the writing
 * transaction, so only committed changes are announced, and applies the
 * event locally after commit, so the writing instance sees it at once.
 * After a lost connection, every `onSync` handler reloads its state before
 * the feed is called fresh again. The embedded database is one instance:
 * events are applied locally only.
 */
@Injectable()
export class ClusterEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly instanceId = randomUUID();
  private readonly handlers = new Map<string, Handler[]>();
  private readonly syncHandlers: SyncHandler[] = [];
  private client?: Client;
  private connected = false;
  private disconnectedSince: number | null = null;
  private stopping = false;
  private heartbeat?: NodeJS.Timeout;
  private reconnectDelay = 100;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: Runtime,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  on(type: string, handler: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }

  /** Registers a reload run at start and after every reconnect. */
  onSync(handler: SyncHandler): void {
    this.syncHandlers.push(handler);
  }

  async publish(tx: Tx, event: ClusterEvent): Promise<void> {
    if (!this.runtime.embedded) {
      await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...event, origin: this.instanceId })]);
    }
    tx.afterCommit(() => this.dispatch(event));
  }

  /** False once the feed has been down longer than REVOCATION_STALENESS_SECONDS: callers fail closed. */
  isFresh(): boolean {
    if (this.runtime.embedded || this.disconnectedSince === null) return true;
    return Date.now() - this.disconnectedSince < this.config.revocationStalenessSeconds * 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runtime.embedded) {
      await this.runSync();
      return;
    }
    await this.connect();
    this.heartbeat = setInterval(() => void this.checkHeartbeat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.client?.end().catch(() => undefined);
  }

  private dispatch(event: ClusterEvent): void {
    for (const handler of this.handlers.get(event.type) ?? []) {
      try {
        handler(event);
      } catch (err) {
        this.logger.error({ err, type: event.type }, 'cluster event handler failed');
      }
    }
  }

  private async runSync(): Promise<void> {
    for (const handler of this.syncHandlers) await handler();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.runtime.databaseUrl,
      application_name: `auth-listener:${process.pid}`,
    });
    client.on('notification', (msg) => this.onNotification(msg.payload));
    client.on('error', (err) => this.onLost(client, err));
    client.on('end', () => this.onLost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    // LISTEN first, then reload: nothing committed in between is missed.
    await this.runSync();
    this.connected = true;
    this.disconnectedSince = null;
    this.reconnectDelay = 100;
  }

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    try {
      const event = JSON.parse(payload) as ClusterEvent;
      if (event.origin !== this.instanceId) this.dispatch(event);
    } catch (err) {
      this.logger.error({ err }, 'malformed cluster event');
    }
  }

  private onLost(client: Client, err?: Error): void {
    if (this.client !== client || this.stopping) return;
    this.client = undefined;
    this.connected = false;
    this.disconnectedSince ??= Date.now();
    this.logger.warn({ err: err?.message }, 'revocation feed lost; reconnecting');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 2_000);
    setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'revocation feed reconnect failed');
        this.client?.end().catch(() => undefined);
        this.client = undefined;
        this.scheduleReconnect();
      });
    }, delay).unref();
  }

  /** Detects half-open connections that would otherwise look healthy. */
  private async checkHeartbeat(): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) return;
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('heartbeat timeout')), HEARTBEAT_MS).unref(),
    );
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (err) {
      this.onLost(client, err as Error);
    }
  }

  /** Seconds the feed has been down (0 when up), for metrics. */
  downSeconds(): number {
    return this.disconnectedSince === null ? 0 : (Date.now() - this.disconnectedSince) / 1000;
  }
}
