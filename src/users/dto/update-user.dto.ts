import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';

/** Only the fields present change; `email: null` clears the address. */
export class UpdateUserDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'alice@example.com' })
  @ValidateIf((o: UpdateUserDto) => o.email !== null && o.email !== undefined)
  @IsString()
  @MaxLength(254)
  @NoControlChars()
  @IsEmail()
  email?: string | null;

  @ApiPropertyOptional({ description: 'true revokes every token of the user for good and deactivates its API keys' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
