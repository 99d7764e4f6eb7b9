import { Module } from '@nestjs/common';
import { IntrospectionModule } from '../../introspection/introspection.module';
import { RevocationCoreModule } from '../../revocation/revocation-core.module';
import { RevocationFeedRoute } from './revocation-feed.route';
import { RevocationFeedService } from './revocation-feed.service';

/** The read side of the revocation feed (the writer lives with the revocation store in RevocationCoreModule). */
@Module({
  imports: [RevocationCoreModule, IntrospectionModule],
  providers: [RevocationFeedService, RevocationFeedRoute],
  exports: [RevocationFeedService],
})
export class RevocationFeedModule {}
