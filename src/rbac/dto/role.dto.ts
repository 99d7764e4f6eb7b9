import { ApiProperty } from '@nestjs/swagger';

export class RoleDto {
  @ApiProperty({ example: 'reader' })
  name: string;

  @ApiProperty({ example: 'Read-only access to the admin API' })
  description: string;

  @ApiProperty({
    type: [String],
    description: 'Effective permissions; `admin` lists every permission, custom ones included',
  })
  permissions: string[];

  @ApiProperty({ description: 'Built-in roles (admin, user, reader) can be neither changed nor deleted' })
  built_in: boolean;
}
