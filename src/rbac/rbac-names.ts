/** Role names: lower-case, start with a letter, at most 64 characters (URL- and log-safe). */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** Permission names are `resource:action`, each part shaped like a role name. */
export const PERMISSION_NAME = /^[a-z][a-z0-9_-]{0,63}:[a-z][a-z0-9_-]{0,63}$/;

/** The role that holds every permission, custom ones included; never editable. */
export const ADMIN_ROLE = 'admin';

export function isRoleName(value: unknown): value is string {
  return typeof value === 'string' && ROLE_NAME.test(value);
}

export function isPermissionName(value: unknown): value is string {
  return typeof value === 'string' && PERMISSION_NAME.test(value);
}

/** The wanted permissions the holder lacks, sorted and without duplicates. */
export function missingPermissions(held: ReadonlySet<string>, wanted: Iterable<string>): string[] {
  return [...new Set([...wanted].filter((p) => !held.has(p)))].sort();
}
