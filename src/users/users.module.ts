import { Module } from '@nestjs/common';
import { MfaModule } from '../mfa/mfa.module';
import { RbacModule } from '../rbac/rbac.module';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { TokensModule } from '../tokens/tokens.module';
import { BootstrapAdmin } from './bootstrap-admin.service';
import { Lockout } from './lockout.service';
import { LoginService } from './login.service';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { PasswordHasher } from './password-hasher.service';
import { RoleAssignment } from './role-assignment.service';
import { UserAccess } from './user-access.service';
import { UserAdminRepository } from './user-admin.repository';
import { UserGuardrails } from './user-guardrails.service';
import { UserLifecycle } from './user-lifecycle.service';
import { UsersAdmin } from './users-admin.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';

@Module({
  imports: [MfaModule, RbacModule, RevocationCoreModule, TokensModule],
  controllers: [MeController, UsersController],
  providers: [
    UserGuardrails,
    UsersRepository,
    UserAdminRepository,
    PasswordHasher,
    LoginService,
    Lockout,
    BootstrapAdmin,
    RoleAssignment,
    UserAccess,
    UsersAdmin,
    UserLifecycle,
    MeService,
  ],
  exports: [UsersRepository, PasswordHasher, LoginService, UserAccess],
})
export class UsersModule {}
