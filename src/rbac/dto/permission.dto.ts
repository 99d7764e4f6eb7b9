import { ApiProperty } from '@nestjs/swagger';

export class PermissionDto {
  @ApiProperty({ example: 'kafka:create' })
  name: string;

  @ApiProperty({ example: 'Create Kafka topics' })
  description: string;

  @ApiProperty({ description: 'Built-in permissions are part of the service; custom ones are for downstream services' })
  built_in: boolean;
}
