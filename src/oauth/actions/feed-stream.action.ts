import { Injectable } from '@nestjs/common';
import { RevocationFeedService } from '../revocation-feed/revocation-feed.service';
import type { ActionResult, Caller, EdgeRequest, OAuthAction, StreamSink } from '../edge/edge.types';
import { FEED_STREAM_PATH } from '../edge/route-table';
import { assertFeedReader, cursorParam } from './feed-params';

/** A reader this far behind is cut off; it reconnects with its Last-Event-ID and loses nothing. */
const MAX_UNSENT_BYTES = 256 * 1024;

/**
 * GET /oauth/revocations/stream on the edge: server-sent events. Every open
 * stream is a subscriber of the one instance-wide reader (no query per
 * stream). An empty Last-Event-ID is what an EventSource holds before its
 * first event: no resume point.
 */
@Injectable()
export class FeedStreamAction implements OAuthAction {
  readonly path = FEED_STREAM_PATH;

  constructor(private readonly feed: RevocationFeedService) {}

  validate(request: EdgeRequest): void {
    cursorParam(request.headers['last-event-id'], 'Last-Event-ID');
  }

  async handle(request: EdgeRequest, caller: Caller): Promise<ActionResult> {
    assertFeedReader(caller);
    const after = cursorParam(request.headers['last-event-id'], 'Last-Event-ID');
    return {
      kind: 'stream',
      contentType: 'text/event-stream; charset=utf-8',
      // Reverse proxies must pass events on as they come, not buffer them.
      headers: { 'x-accel-buffering': 'no' },
      write: (sink) => this.follow(after, sink),
    };
  }

  private async follow(after: string | undefined, sink: StreamSink): Promise<void> {
    const unsubscribe = await this.feed.subscribe(after, {
      write: (chunk) => {
        if (sink.closed) return;
        if (sink.buffered > MAX_UNSENT_BYTES) sink.end();
        else sink.write(chunk);
      },
      end: () => sink.end(),
    });
    // The reader may have gone while its starting point was read.
    if (sink.closed) unsubscribe();
    else sink.onClose(unsubscribe);
  }
}
