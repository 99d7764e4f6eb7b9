export interface RoleRow {
  name: string;
  description: string;
  built_in: boolean;
  all_permissions: boolean;
}
