import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyView } from './api-key-view.dto';

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyView] }) items!: ApiKeyView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' }) next_cursor!:
    string | null;
}
