import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', writeOnly: true })
  @IsString()
  @MaxLength(1024)
  current_password: string;

  @ApiProperty({
    format: 'password',
    writeOnly: true,
    description: '12 to 128 characters (PASSWORD_MIN_LENGTH), no control characters',
  })
  @IsString()
  new_password: string;
}
