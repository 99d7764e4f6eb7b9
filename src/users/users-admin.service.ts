import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { FieldError, ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../common/http/pagination';
import { isUuid } from '../common/http/validators';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { CreateUserDto } from './dto/create-user.dto';
import { UserDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher.service';
import { passwordPolicyErrors } from './password';
import { RoleAssignment } from './role-assignment.service';
import { userEvent } from './user-audit';
import { UserGuardrails } from './user-guardrails.service';
import { UserAdminRepository, UserPosition } from './user-admin.repository';
import { toUserView } from './user-view';
import { isValidUsername, normalizeUsername, usernameKey, usernameSkeleton } from './username';
import { UsersRepository } from './users.repository';

const DEFAULT_ROLES = ['user'];
const POSITION_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Creating, reading and changing users (the /v1/users endpoints). Every change is audited in its transaction. */
@Injectable()
export class UsersAdmin {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly repo: UserAdminRepository,
    private readonly hasher: PasswordHasher,
    private readonly roles: RoleAssignment,
    private readonly guardrails: UserGuardrails,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, dto: CreateUserDto): Promise<UserDto> {
    const errors: FieldError[] = [];
    if (!isValidUsername(dto.username))
      errors.push({ field: 'username', message: 'must be 1 to 64 letters, digits or . _ - @' });
    errors.push(...passwordPolicyErrors(dto.password, this.config.passwordMinLength, this.config.passwordMaxLength));
    if (errors.length > 0) throw ProblemError.validation(errors);
    const roles = await this.roles.authorize(principal, dto.roles ?? DEFAULT_ROLES);
    // Early, cheap answer for the common duplicate; the insert below is the real (race-free) check.
    if (await this.repo.nameTaken(usernameKey(dto.username), usernameSkeleton(dto.username))) throw this.duplicate();
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await this.db.transaction(async (tx) => {
      await this.roles.assertExist(tx, roles);
      const id = await this.repo.insertIfFree(tx, {
        username: normalizeUsername(dto.username),
        key: usernameKey(dto.username),
        skeleton: usernameSkeleton(dto.username),
        email: dto.email ?? null,
        passwordHash,
      });
      if (!id) throw this.duplicate();
      await this.users.setRoles(tx, id, roles);
      await this.audit.record(
        tx,
        userEvent(principal, 'user.created', id, { roles, email_set: dto.email !== undefined }),
      );
      return (await this.users.findById(id, tx))!;
    });
    return toUserView(user);
  }

  async list(query: PageQueryDto): Promise<Page<UserDto>> {
    const limit = pageLimit(query);
    const rows = await this.repo.list(limit, this.position(query.cursor));
    const now = Date.now();
    return toPage(
      rows,
      limit,
      (row) => toUserView(row, now),
      (row) => ({ ts: row.position_ts, id: row.id }),
    );
  }

  async get(id: string): Promise<UserDto> {
    const user = isUuid(id) ? await this.users.findById(id) : undefined;
    if (!user) throw ProblemError.notFound('No such user.');
    return toUserView(user);
  }

  async unlock(principal: Principal, id: string): Promise<void> {
    if (!isUuid(id)) throw ProblemError.notFound('No such user.');
    const held = await this.guardrails.held(principal);
    await this.db.transaction(async (tx) => {
      // Row-locked first, so the permissions judged are the ones in force when the unlock commits.
      if (!(await this.repo.lock(tx, id))) throw ProblemError.notFound('No such user.');
      await this.guardrails.assertMayActOn(tx, held, id);
      const result = await this.repo.unlock(tx, id);
      if (!result) throw ProblemError.notFound('No such user.');
      await this.audit.record(tx, userEvent(principal, 'user.unlocked', id, { was_locked: result.wasLocked }));
    });
  }

  private duplicate(): ProblemError {
    return ProblemError.conflict('A user with this username, or one that looks like it, already exists.');
  }

  private position(cursor: string | undefined): UserPosition | undefined {
    const position = decodeCursor<{ ts: string; id: string }>(cursor, ['ts', 'id']);
    if (position && !(POSITION_TS.test(position.ts) && isUuid(position.id))) {
      throw ProblemError.validation([{ field: 'cursor', message: 'is not a valid cursor' }]);
    }
    return position;
  }
}
