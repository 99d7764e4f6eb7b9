import { ApiPropertyOptional } from '@nestjs/swagger';
import { ClientDto } from './client.dto';

export class CreatedClientDto extends ClientDto {
  @ApiPropertyOptional({
    description: 'Confidential clients only. Shown exactly once: only its SHA-256 is stored',
    example: 'cs_...',
  })
  client_secret?: string;
}
