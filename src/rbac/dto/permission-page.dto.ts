import { ApiProperty } from '@nestjs/swagger';
import { PermissionDto } from './permission.dto';

export class PermissionPageDto {
  @ApiProperty({ type: [PermissionDto] })
  items: PermissionDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor: string | null;
}
