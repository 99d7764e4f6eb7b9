import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';

/** The format is checked by the service, so a malformed code is audited like a wrong one. */
export class TotpCodeDto {
  @ApiProperty({ description: 'The current 6-digit code from the authenticator app', example: '123456' })
  @IsString()
  @MaxLength(16)
  @NoControlChars()
  code: string;
}
