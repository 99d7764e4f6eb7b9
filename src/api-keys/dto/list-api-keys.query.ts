import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { OWNER_TYPES, OwnerType } from '../api-key.types';

export class ListApiKeysQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: OWNER_TYPES, description: 'Only keys of this owner (with owner_id)' })
  @IsOptional()
  @IsIn(OWNER_TYPES)
  owner_type?: OwnerType;

  @ApiPropertyOptional({ description: 'User id, or client id (row id or public client_id); requires owner_type' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(/^[\x21-\x7E]+$/, { message: 'owner_id must be printable ASCII without spaces' })
  owner_id?: string;
}
