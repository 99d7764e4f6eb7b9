import { ApiProperty } from '@nestjs/swagger';
import { SigningSecretDto } from './signing-secret.dto';

export class SigningSecretPageDto {
  @ApiProperty({ type: [SigningSecretDto] })
  items: SigningSecretDto[];

  @ApiProperty({ type: String, nullable: true })
  next_cursor: string | null;
}
