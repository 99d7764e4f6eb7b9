import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsString, Length } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';

/** Limits that keep a role list cheap to check; names are resolved against the roles table later. */
export const MAX_ROLES = 64;

/** Validation shared by every `roles` field: an array of short, printable strings. */
export function RoleNames(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_ROLES),
    IsString({ each: true }),
    Length(1, 100, { each: true }),
    NoControlChars({ each: true }),
  );
}
