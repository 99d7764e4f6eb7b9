import { ApiProperty } from '@nestjs/swagger';
import { ClientDto } from './client.dto';

export class ClientPageDto {
  @ApiProperty({ type: [ClientDto] })
  items: ClientDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor: string | null;
}
