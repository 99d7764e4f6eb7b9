import { Module } from '@nestjs/common';
import { RevocationFeedService } from './revocation-feed.service';

/**
 * The read side of the revocation feed: one instance-wide reader fanning out
 * to every open stream. The writer and the log live with the revocation
 * store (RevocationCoreModule, global); the two GET routes are actions on the
 * /oauth edge (actions/feed-*.action.ts).
 */
@Module({
  providers: [RevocationFeedService],
  exports: [RevocationFeedService],
})
export class RevocationFeedModule {}
