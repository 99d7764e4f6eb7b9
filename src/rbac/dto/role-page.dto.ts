import { ApiProperty } from '@nestjs/swagger';
import { RoleDto } from './role.dto';

export class RolePageDto {
  @ApiProperty({ type: [RoleDto] })
  items: RoleDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor: string | null;
}
