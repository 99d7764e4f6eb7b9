import { Module } from '@nestjs/common';
import { RevocationFeedRepository } from '../oauth/revocation-feed/revocation-feed.repository';
import { RevocationFeedWriter } from '../oauth/revocation-feed/revocation-feed.writer';
import { RevocationStore } from './revocation-store.service';
import { RevocationService } from './revocation.service';

/** The revocation store and writer, shared by every module that revokes or checks. */
@Module({
  providers: [RevocationStore, RevocationService, RevocationFeedRepository, RevocationFeedWriter],
  exports: [RevocationStore, RevocationService, RevocationFeedRepository, RevocationFeedWriter],
})
export class RevocationCoreModule {}
