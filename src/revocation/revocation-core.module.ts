import { Global, Module } from '@nestjs/common';
import { RevocationFreshness } from '../common/auth/authenticators';
import { ClusterEvents } from './cluster-events.service';
import { RevocationFeedRepository } from './revocation-feed.repository';
import { RevocationFeedWriter } from './revocation-feed.writer';
import { RevocationStore } from './revocation-store.service';
import { RevocationService } from './revocation.service';

/**
 * The revocation store and writer, the durable feed log resource services
 * read (revocation-feed.*), and the NOTIFY bus that fans revocations
 * (and the other cache invalidations) out across instances. Global: every
 * feature that revokes, checks or invalidates uses it, and common/ reaches
 * the bus's freshness only through the RevocationFreshness port.
 */
@Global()
@Module({
  providers: [
    ClusterEvents,
    RevocationStore,
    RevocationService,
    RevocationFeedRepository,
    RevocationFeedWriter,
    { provide: RevocationFreshness, useExisting: ClusterEvents },
  ],
  exports: [
    ClusterEvents,
    RevocationStore,
    RevocationService,
    RevocationFreshness,
    RevocationFeedRepository,
    RevocationFeedWriter,
  ],
})
export class RevocationCoreModule {}
