import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireUser } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { ChangePasswordDto } from './dto/change-password.dto';
import { MeDto } from './dto/me.dto';
import { MeService } from './me.service';

/** Self-service for any user access token (no permission needed, MFA not required). */
@ApiTags('me')
@Controller('v1/me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @RequireUser()
  @ApiOperation({ summary: 'The caller: profile, roles and effective permissions' })
  @ApiOkResponse({ type: MeDto })
  profile(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.me.profile(principal);
  }

  @Post('password')
  @HttpCode(204)
  @RequireUser()
  @ApiOperation({
    summary: 'Change the own password',
    description: 'Ends every other session (refresh-token family) of the user.',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiBadRequestResponse({
    description: 'Wrong current password or new password outside the policy (problem+json with errors)',
  })
  changePassword(@CurrentPrincipal() principal: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.me.changePassword(principal, dto);
  }
}
