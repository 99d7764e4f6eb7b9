import { ApiProperty } from '@nestjs/swagger';

/** The caller's own account, with the permissions its roles grant right now. */
export class MeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  username: string;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ type: [String] })
  roles: string[];

  @ApiProperty({ type: [String], description: 'Effective permissions: the union of the permissions of the roles' })
  permissions: string[];

  @ApiProperty()
  mfa_enabled: boolean;
}
