import { backoffDelay, sleep } from './backoff';
import { Discovery } from './discovery';
import { basicAuth, callIssuer, readJson } from './http';
import { RevocationEntry, RevocationSet } from './revocation-set';
import { SseParser } from './sse-parser';
import { Clock, ClientCredentials, FetchLike, RetryOptions } from './types';

export interface FeedOptions {
  credentials: ClientCredentials;
  /** A connected stream silent this long is presumed dead and reopened (default 45 s; heartbeats every 15 s). */
  idleTimeoutMs?: number;
  /** Reconnect backoff (default 100 ms doubling to 5 s, with jitter). */
  reconnect?: RetryOptions;
  /** Logs reconnects; never receives a credential. */
  onWarn?: (message: string) => void;
}

/**
 * Keeps a `RevocationSet` current: loads `GET /oauth/revocations` page by page, then follows
 * `/oauth/revocations/stream` from the last cursor, resuming with `Last-Event-ID` after a drop.
 */
export class RevocationFeed {
  private cursor?: string;
  private loaded = false;
  private connected = false;
  private lastHealthyAt: number;
  private readonly stop = new AbortController();
  private loop?: Promise<void>;
  /** Times the stream was (re)opened; observable by tests and metrics. */
  connects = 0;

  constructor(
    private readonly set: RevocationSet,
    private readonly discovery: Discovery,
    private readonly fetchImpl: FetchLike,
    private readonly now: Clock,
    private readonly options: FeedOptions,
  ) {
    this.lastHealthyAt = now();
  }

  /**
   * Starts following in the background; resolves once the list is loaded, or after `waitMs`
   * if it cannot be (the feed then counts as stale until it loads, and the kit keeps trying).
   */
  async start(waitMs = 10_000): Promise<void> {
    this.loop = this.follow();
    const deadline = Date.now() + waitMs;
    while (!this.loaded && Date.now() < deadline && !this.stop.signal.aborted) await sleep(20);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  /** How long the feed has been unable to vouch for the set, in ms (0 while healthy). */
  staleForMs(): number {
    if (!this.loaded) return Number.POSITIVE_INFINITY;
    const silence = this.now() - this.lastHealthyAt;
    if (this.connected) return silence > (this.options.idleTimeoutMs ?? 45_000) ? silence : 0;
    return silence;
  }

  private authHeaders(): Record<string, string> {
    return { authorization: basicAuth(this.options.credentials.clientId, this.options.credentials.clientSecret) };
  }

  private async loadList(): Promise<void> {
    const base = await this.discovery.endpoint('revocations');
    for (let page = 0; page < 10_000; page++) {
      const url = this.cursor === undefined ? base : `${base}?after=${encodeURIComponent(this.cursor)}`;
      const res = await callIssuer({ url, init: { headers: this.authHeaders() }, fetch: this.fetchImpl });
      const body = res.ok ? await readJson(res) : undefined;
      if (!body || !Array.isArray(body.items)) throw new Error(`revocation list answered ${res.status}`);
      for (const item of body.items as RevocationEntry[]) this.set.add(item);
      const next = typeof body.next_cursor === 'string' ? body.next_cursor : this.cursor;
      const done = body.items.length === 0 || next === this.cursor;
      this.cursor = next;
      if (done) return;
    }
  }

  private async follow(): Promise<void> {
    let attempt = 0;
    while (!this.stop.signal.aborted) {
      try {
        if (!this.loaded) {
          await this.loadList();
          this.loaded = true;
          this.lastHealthyAt = this.now();
        }
        const gotData = await this.stream();
        if (gotData) attempt = 0;
      } catch (err) {
        if (this.stop.signal.aborted) break;
        this.options.onWarn?.(`revocation stream lost: ${err instanceof Error ? err.message : 'error'}`);
      }
      if (this.connected) this.lastHealthyAt = this.now();
      this.connected = false;
      if (this.stop.signal.aborted) break;
      const reconnect = { baseDelayMs: 100, maxDelayMs: 5000, ...this.options.reconnect };
      await sleep(backoffDelay(attempt++, reconnect), this.stop.signal);
    }
  }

  /** One connection: returns when it ends; true if anything arrived on it. */
  private async stream(): Promise<boolean> {
    const url = await this.discovery.endpoint('revocations/stream');
    const idle = new AbortController();
    const signal = AbortSignal.any([this.stop.signal, idle.signal]);
    const headers: Record<string, string> = { ...this.authHeaders(), accept: 'text/event-stream' };
    if (this.cursor !== undefined) headers['last-event-id'] = this.cursor;
    // A connect that hangs would stall the loop forever: give up on it like on a silent stream.
    const connecting = setTimeout(() => idle.abort(), this.options.idleTimeoutMs ?? 45_000);
    const res = await this.fetchImpl(url, { headers, signal }).finally(() => clearTimeout(connecting));
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`revocation stream answered ${res.status}`);
    }
    this.connects++;
    this.connected = true;
    this.lastHealthyAt = this.now();
    let received = false;
    const beat = (): void => {
      received = true;
      this.lastHealthyAt = this.now();
    };
    const parser = new SseParser((event) => {
      beat();
      const entry = parseEntry(event.data);
      if (entry) this.set.add(entry);
      if (event.id !== undefined) this.cursor = event.id;
    }, beat);
    const watchdog = setInterval(() => {
      if (this.now() - this.lastHealthyAt > (this.options.idleTimeoutMs ?? 45_000)) idle.abort();
    }, 1000);
    watchdog.unref();
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        parser.push(decoder.decode(chunk, { stream: true }));
      }
    } finally {
      clearInterval(watchdog);
    }
    return received;
  }
}

function parseEntry(data: string): RevocationEntry | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (!value || typeof value !== 'object') return undefined;
    const e = value as RevocationEntry;
    const valid = typeof e.kind === 'string' && typeof e.value === 'string' && typeof e.revoked_at === 'number';
    return valid ? e : undefined;
  } catch {
    return undefined;
  }
}

export type { RetryOptions };
