import type { UserDto } from './dto/user.dto';
import type { UserRow } from './users.repository';

/**
 * The public shape of a user row. Listed field by field on purpose: a
 * column added later (a hash, a secret) never leaks through a spread.
 */
export function toUserView(row: UserRow, now = Date.now()): UserDto {
  const locked = row.locked_until !== null && row.locked_until.getTime() > now;
  return {
    id: row.id,
    username: row.username ?? '',
    email: row.email,
    roles: [...row.roles],
    disabled: row.disabled,
    locked,
    locked_until: locked && row.locked_until ? row.locked_until.toISOString() : null,
    mfa_enabled: row.mfa_enabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
