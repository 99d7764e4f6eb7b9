import { Module } from '@nestjs/common';
import { PermissionCache } from './permission-cache.service';

@Module({
  providers: [PermissionCache],
  exports: [PermissionCache],
})
export class RbacModule {}
