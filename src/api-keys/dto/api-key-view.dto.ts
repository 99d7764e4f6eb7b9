import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyStatus, statusOf } from '../api-key-state';
import { ApiKeyRow, OWNER_TYPES, OwnerType } from '../api-key.types';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Key metadata: never the key, its secret or its hash. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'First 12 characters of the key, for display', example: 'ak_Q3x9Tf0aB' }) prefix!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Space-separated permissions', example: 'users:read' }) scope!: string;
  @ApiProperty({ enum: OWNER_TYPES }) owner_type!: OwnerType;
  @ApiProperty({ format: 'uuid', description: 'users.id or clients.id' }) owner_id!: string;
  @ApiProperty({ enum: ['active', 'rotating', 'rotated', 'revoked', 'expired'] }) status!: ApiKeyStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Set within 5 s of a first use, then refreshed at most once a minute',
  })
  last_used_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revoked_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) rotated_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'A rotated key works until then' })
  grace_expires_at!: string | null;

  static of(row: ApiKeyRow): ApiKeyView {
    return Object.assign(new ApiKeyView(), {
      id: row.id,
      prefix: row.prefix,
      name: row.name,
      scope: row.scope,
      owner_type: row.owner_type,
      owner_id: row.owner_id,
      status: statusOf(row),
      expires_at: iso(row.expires_at),
      created_at: row.created_at.toISOString(),
      last_used_at: iso(row.last_used_at),
      revoked_at: iso(row.revoked_at),
      rotated_at: iso(row.rotated_at),
      grace_expires_at: iso(row.grace_expires_at),
    });
  }
}
