import { ApiProperty } from '@nestjs/swagger';

const ACTOR_TYPES = ['user', 'client', 'api_key', 'system', 'anonymous'];

/** One audit row. `details` never holds a password, token, secret, key or hash of one. */
export class AuditEventDto {
  @ApiProperty({ description: 'Increasing row id (a 64-bit integer, as a string)', example: '1042' })
  id: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Position in the hash chain: from 1, gap-free in sealing order; null until sealed (within about 1 s)',
    example: 1042,
  })
  seq: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "SHA-256 (lowercase hex) of the previous row's hash and the JCS form of this row without `hash`",
  })
  hash: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T12:00:00.123456Z' })
  occurred_at: string;

  @ApiProperty({ example: 'user.login' })
  event_type: string;

  @ApiProperty({ enum: ['success', 'failure'] })
  outcome: 'success' | 'failure';

  @ApiProperty({ enum: ACTOR_TYPES })
  actor_type: string;

  @ApiProperty({ type: String, nullable: true })
  actor_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'user' })
  subject_type: string | null;

  @ApiProperty({ type: String, nullable: true })
  subject_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent: string | null;

  @ApiProperty({ type: String, nullable: true })
  request_id: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Failures carry `reason`; token events `grant_type`',
  })
  details: Record<string, unknown>;
}
