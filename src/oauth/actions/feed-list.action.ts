import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE, RevocationFeedService } from '../revocation-feed/revocation-feed.service';
import type { ActionResult, Caller, EdgeRequest, OAuthAction } from '../edge/edge.types';
import { FEED_PATH } from '../edge/route-table';
import { assertFeedReader, cursorParam, limitParam } from './feed-params';

/** GET /oauth/revocations on the edge: one page of the revocation feed, oldest first. */
@Injectable()
export class FeedListAction implements OAuthAction {
  readonly path = FEED_PATH;

  constructor(private readonly feed: RevocationFeedService) {}

  validate(request: EdgeRequest): void {
    cursorParam(request.query.after, 'after');
    limitParam(request.query.limit, DEFAULT_PAGE);
  }

  async handle(request: EdgeRequest, caller: Caller): Promise<ActionResult> {
    assertFeedReader(caller);
    const page = await this.feed.list(
      cursorParam(request.query.after, 'after'),
      limitParam(request.query.limit, DEFAULT_PAGE),
    );
    return { kind: 'json', body: page };
  }
}
