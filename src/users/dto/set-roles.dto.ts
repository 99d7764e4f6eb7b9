import { ApiProperty } from '@nestjs/swagger';
import { RoleNames } from './roles-field';

export class SetRolesDto {
  @ApiProperty({ type: [String], example: ['reader'], description: 'The complete new set of role names' })
  @RoleNames()
  roles: string[];
}
