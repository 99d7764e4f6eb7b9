import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { RequestContext, RequestMeta } from '../common/http/request-context';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AuditService } from './audit.service';
import { AuditEntry } from './audit.types';
import { OncePerWindow } from './once-per-window';

const WINDOW_MS = 60_000;
/** How often closed windows are looked for: an owed row is written at most this late. */
const DRAIN_EVERY_MS = 5_000;

/** Past the key bound, new keys share one overflow key per event type. */
const overflowKey = (key: string): string => `${key.slice(0, key.indexOf('|'))}|*`;

interface Pending {
  entry: AuditEntry;
  meta: RequestMeta;
}

/**
 * The writer of high-volume failure rows, damped by the one rule of
 * OncePerWindow: per (event type, key) at most one row per minute, each
 * with `details.count` = the failures it stands for (the counts add up).
 * Callers choose the key (typically the client IP and the reason), never
 * the rule. A row owed for a closed window carries the IP and request id
 * of the last failure it counts.
 *
 * A failed write is logged, never thrown: the request is refused either
 * way, and an audit hiccup must not turn a 401 into a 500.
 */
@Injectable()
export class FailureAudit implements OnModuleInit, BeforeApplicationShutdown {
  private readonly damper = new OncePerWindow<Pending>(WINDOW_MS, 10_000, overflowKey);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), DRAIN_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush(Number.POSITIVE_INFINITY);
  }

  /** Writes the row now when it opens a window for `key`, else counts it for the window's owed row. */
  async record(entry: AuditEntry, key: string): Promise<void> {
    const admission = this.damper.admit(`${entry.eventType}|${key}`, { entry, meta: RequestContext.current() });
    if (admission.write) await this.write(entry, admission.count);
  }

  /** Writes the rows owed by windows closed at `now` (the timer calls it; tests may pass a later `now`). */
  async flush(now = Date.now()): Promise<void> {
    for (const owed of this.damper.drain(now)) {
      const { entry, meta } = owed.context;
      await RequestContext.run(meta, () => this.write(entry, owed.count, true));
    }
  }

  private async write(entry: AuditEntry, count: number, owed = false): Promise<void> {
    const details: Record<string, unknown> = { ...(entry.details ?? {}), count };
    // A row for failures already counted in a window: says so, and over which window.
    if (owed) details.window_seconds = WINDOW_MS / 1000;
    try {
      await this.audit.recordAlone({ ...entry, details });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, event: entry.eventType }, 'could not write a failure audit row');
    }
  }
}
