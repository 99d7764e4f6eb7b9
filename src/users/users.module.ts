import { Module } from '@nestjs/common';
import { MfaModule } from '../mfa/mfa.module';
import { LoginService } from './login.service';
import { PasswordHasher } from './password-hasher.service';
import { UsersRepository } from './users.repository';
import { BootstrapAdmin } from './bootstrap-admin.service';

@Module({
  imports: [MfaModule],
  providers: [UsersRepository, PasswordHasher, LoginService, BootstrapAdmin],
  exports: [UsersRepository, PasswordHasher, LoginService],
})
export class UsersModule {}
