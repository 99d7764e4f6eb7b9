import { ApiProperty } from '@nestjs/swagger';

export class RotatedClientSecretDto {
  @ApiProperty()
  client_id: string;

  @ApiProperty({ description: 'The new secret, shown exactly once', example: 'cs_...' })
  client_secret: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the old secret stops working (the rotation instant when grace_seconds is 0)',
  })
  previous_secret_expires_at: string;
}
