import { Module } from '@nestjs/common';
import { RevocationStore } from './revocation-store.service';
import { RevocationService } from './revocation.service';

/** The revocation store and writer, shared by every module that revokes or checks. */
@Module({
  providers: [RevocationStore, RevocationService],
  exports: [RevocationStore, RevocationService],
})
export class RevocationCoreModule {}
