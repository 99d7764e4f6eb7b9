import { Body, Controller, Delete, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequireUser } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { TotpCodeDto } from './dto/totp-code.dto';
import { TotpEnrolmentDto } from './dto/totp-enrolment.dto';
import { TotpEnrolment } from './totp-enrolment.service';

/** The caller's own TOTP second factor. */
@ApiTags('me')
@Controller('v1/me/mfa/totp')
export class TotpEnrolmentController {
  constructor(private readonly enrolment: TotpEnrolment) {}

  @Post()
  @RequireUser()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Start TOTP enrolment',
    description: 'A password-only token is enough. The secret is shown once; confirm with a code to enable.',
  })
  @ApiCreatedResponse({ type: TotpEnrolmentDto })
  @ApiConflictResponse({ description: 'TOTP is already enabled' })
  start(@CurrentPrincipal() principal: Principal): Promise<TotpEnrolmentDto> {
    return this.enrolment.start(principal);
  }

  @Post('confirm')
  @HttpCode(204)
  @RequireUser()
  @ApiOperation({ summary: 'Confirm enrolment with a code and enable TOTP' })
  @ApiNoContentResponse({ description: 'TOTP enabled; the confirming code cannot be used to log in' })
  @ApiBadRequestResponse({ description: 'Invalid code or nothing pending (problem+json with errors)' })
  confirm(@CurrentPrincipal() principal: Principal, @Body() dto: TotpCodeDto): Promise<void> {
    return this.enrolment.confirm(principal, dto.code);
  }

  @Delete()
  @HttpCode(204)
  @RequireUser({ requireOtp: true })
  @ApiOperation({ summary: 'Disable TOTP', description: 'Needs a token obtained with an otp.' })
  @ApiNoContentResponse({ description: 'TOTP disabled' })
  disable(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.enrolment.disable(principal);
  }
}
