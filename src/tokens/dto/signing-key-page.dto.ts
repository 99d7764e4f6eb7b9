import { ApiProperty } from '@nestjs/swagger';
import { SigningKeyDto } from './signing-key.dto';

export class SigningKeyPageDto {
  @ApiProperty({ type: [SigningKeyDto] })
  items: SigningKeyDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor: string | null;
}
