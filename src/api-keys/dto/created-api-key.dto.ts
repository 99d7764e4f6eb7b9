import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyRow, OWNER_TYPES, OwnerType } from '../api-key.types';

/** The answer to create (and, extended, to rotate): the only time the key is shown. */
export class CreatedApiKey {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The key itself; shown once, store it now', example: 'ak_Q3x9Tf0aBc1dE2fG_...' })
  key!: string;
  @ApiProperty({ description: 'First 12 characters of the key, for display' }) prefix!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Space-separated permissions' }) scope!: string;
  @ApiProperty({ enum: OWNER_TYPES }) owner_type!: OwnerType;
  @ApiProperty({ format: 'uuid' }) owner_id!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;

  static of(row: ApiKeyRow, key: string): CreatedApiKey {
    return Object.assign(new CreatedApiKey(), {
      id: row.id,
      key,
      prefix: row.prefix,
      name: row.name,
      scope: row.scope,
      owner_type: row.owner_type,
      owner_id: row.owner_id,
      expires_at: row.expires_at ? row.expires_at.toISOString() : null,
      created_at: row.created_at.toISOString(),
    });
  }
}
