/** One server-sent event as received. */
export interface SseEvent {
  id?: string;
  data: string;
}

/**
 * A minimal server-sent events reader over fetch, for the tests of the
 * revocation stream: collects events and comment lines as they arrive.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  private readonly controller = new AbortController();
  private buffer = '';
  private waiters: (() => void)[] = [];
  status = 0;
  contentType = '';
  closed = false;

  static async open(url: string, headers: Record<string, string>): Promise<SseStream> {
    const stream = new SseStream();
    await stream.start(url, headers);
    return stream;
  }

  private async start(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: this.controller.signal,
    });
    this.status = res.status;
    this.contentType = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !res.body) {
      this.buffer = await res.text();
      this.closed = true;
      return;
    }
    void this.pump(res.body.getReader());
  }

  /** The body of a refused stream (an error JSON). */
  get errorBody(): string {
    return this.buffer;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        this.parse();
      }
    } catch {
      // aborted by close()
    }
    this.closed = true;
    this.wake();
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { data: '' };
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id:')) event.id = line.slice(3).trim();
        else if (line.startsWith('data:')) {
          event.data += line.slice(5).trim();
          isEvent = true;
        }
      }
      if (isEvent) this.events.push(event);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `check` holds (re-checked on every chunk received), or fails after `timeoutMs`. */
  async until(check: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.closed)
        throw new Error(`stream: ${what} not met within ${timeoutMs} ms (closed: ${this.closed})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The parsed entries of the events received so far. */
  entries<T = Record<string, unknown>>(): (T & { cursor: string })[] {
    return this.events.map((e) => ({ ...(JSON.parse(e.data) as T), cursor: e.id ?? '' }));
  }

  close(): void {
    this.controller.abort();
  }
}
