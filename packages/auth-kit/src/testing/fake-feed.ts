import { ServerResponse } from 'node:http';
import { RevocationEntry } from '../core/revocation-set';

/** The revocation feed of the fake issuer: an ordered log, cursor = position, SSE fan-out. */
export class FakeFeed {
  readonly log: RevocationEntry[] = [];
  readonly streams = new Set<ServerResponse>();
  /** `Last-Event-ID` headers received, in order (undefined: none sent). */
  readonly lastEventIds: (string | undefined)[] = [];
  pageSize = 2;
  down = false;

  add(entry: RevocationEntry): void {
    this.log.push(entry);
    const id = String(this.log.length);
    for (const res of this.streams) res.write(`id: ${id}\ndata: ${JSON.stringify(entry)}\n\n`);
  }

  list(after: string | null): { items: RevocationEntry[]; next_cursor: string } {
    const from = after ? Number(after) : 0;
    const items = this.log.slice(from, from + this.pageSize);
    return { items, next_cursor: String(from + items.length) };
  }

  open(res: ServerResponse, lastEventId: string | undefined): void {
    this.lastEventIds.push(lastEventId);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': hello\n\n');
    if (lastEventId !== undefined) {
      this.log.slice(Number(lastEventId)).forEach((entry, i) => {
        res.write(`id: ${Number(lastEventId) + i + 1}\ndata: ${JSON.stringify(entry)}\n\n`);
      });
    }
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  /** Cuts every open stream, as a proxy or a restarting instance would. */
  drop(): void {
    for (const res of this.streams) res.destroy();
    this.streams.clear();
  }
}
