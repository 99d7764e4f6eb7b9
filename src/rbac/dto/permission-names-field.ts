import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';
import { PERMISSION_NAME } from '../rbac-names';

/** A role carries at most this many permissions: keeps checks and token scopes small. */
export const MAX_ROLE_PERMISSIONS = 256;

/** Validation of a `permissions` list: well-formed names; existence is checked by the service. */
export function PermissionNames(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_ROLE_PERMISSIONS),
    IsString({ each: true }),
    Matches(PERMISSION_NAME, {
      each: true,
      message: 'each value in permissions must be resource:action (lower-case letters, digits, _ and -)',
    }),
  );
}
