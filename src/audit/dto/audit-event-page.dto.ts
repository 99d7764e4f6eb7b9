import { ApiProperty } from '@nestjs/swagger';
import { AuditEventDto } from './audit-event.dto';

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last page',
  })
  next_cursor: string | null;
}
