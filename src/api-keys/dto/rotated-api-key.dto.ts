import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyRow } from '../api-key.types';
import { CreatedApiKey } from './created-api-key.dto';

/** A rotation's answer: the new key, and until when the old one still works. */
export class RotatedApiKey extends CreatedApiKey {
  @ApiProperty({ format: 'uuid', description: 'The key this one replaces' }) previous_key_id!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'The old key works until then (now when grace_seconds is 0)',
  })
  previous_key_expires_at!: string;

  static rotated(row: ApiKeyRow, key: string, previous: ApiKeyRow): RotatedApiKey {
    return Object.assign(new RotatedApiKey(), CreatedApiKey.of(row, key), {
      previous_key_id: previous.id,
      previous_key_expires_at: (previous.grace_expires_at ?? previous.rotated_at ?? new Date()).toISOString(),
    });
  }
}
