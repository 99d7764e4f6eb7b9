import { ApiProperty } from '@nestjs/swagger';

export class SigningSecretDto {
  @ApiProperty({ description: 'The `keyid` a signature names' })
  keyid: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}
