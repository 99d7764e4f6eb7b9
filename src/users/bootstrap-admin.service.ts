import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../audit/audit.types';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { Runtime } from '../config/runtime';
import { PasswordHasher } from './password-hasher.service';
import { isValidUsername, normalizeUsername, usernameKey, usernameSkeleton } from './username';
import { UsersRepository } from './users.repository';

const BOOTSTRAP_LOCK = 727_274_003;

/**
 * First start: when no user exists, create an `admin` from
 * BOOTSTRAP_ADMIN_USERNAME/PASSWORD, or on an empty embedded database with a
 * random password printed once to stdout (never to the log).
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly runtime: Runtime,
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.bootstrapAdminUsername;
    if (!configured && !this.runtime.embedded) return;
    if ((await this.users.count()) > 0) return;
    const username = configured ?? 'admin';
    if (!isValidUsername(username)) throw new Error('BOOTSTRAP_ADMIN_USERNAME is not a valid username');
    const generated = this.config.bootstrapAdminPassword === undefined;
    const password = this.config.bootstrapAdminPassword ?? randomBytes(18).toString('base64url');
    const passwordHash = await this.hasher.hash(password);
    const created = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [{ n }] = await tx.query<{ n: string }>('SELECT count(*) AS n FROM users');
      if (Number(n) > 0) return null;
      const user = await this.users.insert(tx, {
        username: normalizeUsername(username),
        key: usernameKey(username),
        skeleton: usernameSkeleton(username),
        email: null,
        passwordHash,
        roles: ['admin'],
      });
      await this.audit.record(tx, {
        eventType: 'user.created',
        outcome: 'success',
        actor: SYSTEM_ACTOR,
        subject: { type: 'user', id: user.id },
        details: { bootstrap: true, roles: ['admin'] },
      });
      return user;
    });
    if (!created) return;
    this.logger.info({ userId: created.id }, 'bootstrap admin created');
    if (generated) {
      process.stdout.write(
        `\n  Bootstrap admin created.\n    username: ${username}\n    password: ${password}\n` +
          '  This password is shown once. Change it with POST /v1/me/password.\n\n',
      );
    }
  }
}
