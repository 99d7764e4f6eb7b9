import { ApiProperty } from '@nestjs/swagger';

/** A user as the admin API shows it: never a hash, a secret or a lockout counter. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'alice' })
  username: string;

  @ApiProperty({ type: String, nullable: true, example: 'alice@example.com' })
  email: string | null;

  @ApiProperty({ type: [String], example: ['user'] })
  roles: string[];

  @ApiProperty()
  disabled: boolean;

  @ApiProperty({ description: 'True while a lockout after failed logins is in force' })
  locked: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'End of the current lockout (RFC 3339, UTC)',
  })
  locked_until: string | null;

  @ApiProperty()
  mfa_enabled: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}
