export interface RoleRow {
  name: string;
  description: string;
  built_in: boolean;
  all_permissions: boolean;
}

/** A role with its effective permissions (every permission for an `all_permissions` role). */
export interface RoleView extends RoleRow {
  permissions: string[];
}

export interface PermissionRow {
  name: string;
  description: string;
  built_in: boolean;
}
