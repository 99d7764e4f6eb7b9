import { ApiProperty } from '@nestjs/swagger';
import { SigningSecretDto } from './signing-secret.dto';

export class CreatedSigningSecretDto extends SigningSecretDto {
  @ApiProperty({
    description: 'Shown exactly once. The HMAC-SHA256 key is the UTF-8 bytes of this whole string, prefix included.',
    example: 'ss_...',
  })
  secret: string;
}
