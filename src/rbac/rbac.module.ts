import { Module } from '@nestjs/common';
import { PermissionCache } from './permission-cache.service';
import { PermissionsController } from './permissions.controller';
import { PermissionsRepository } from './permissions.repository';
import { PermissionsService } from './permissions.service';
import { RbacPolicy } from './rbac-policy.service';
import { RolesController } from './roles.controller';
import { RolesRepository } from './roles.repository';
import { RolesService } from './roles.service';

/** Roles, permissions, the permission cache and the no-escalation rule (RbacPolicy, for every module that grants). */
@Module({
  controllers: [RolesController, PermissionsController],
  providers: [PermissionCache, RolesRepository, PermissionsRepository, RbacPolicy, RolesService, PermissionsService],
  exports: [PermissionCache, RbacPolicy, RolesRepository],
})
export class RbacModule {}
