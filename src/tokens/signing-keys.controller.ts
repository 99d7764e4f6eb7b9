import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../common/auth/decorators';
import { auditActor, type Principal } from '../common/auth/principal';
import { Page, PageQueryDto, pageLimit } from '../common/http/pagination';
import { RotateSigningKeyDto } from './dto/rotate-signing-key.dto';
import { SigningKeyDto } from './dto/signing-key.dto';
import { SigningKeyPageDto } from './dto/signing-key-page.dto';
import { SigningKeyListing } from './signing-key-listing.service';
import { SigningKeyRotation } from './signing-key-rotation.service';
import { SigningKeyWithdrawal } from './signing-key-withdrawal.service';
import { SigningKeyInfo } from './signing-key.types';

@ApiTags('signing-keys')
@Controller('v1/signing-keys')
export class SigningKeysController {
  constructor(
    private readonly listing: SigningKeyListing,
    private readonly rotation: SigningKeyRotation,
    private readonly withdrawal: SigningKeyWithdrawal,
  ) {}

  @Get()
  @RequirePermissions('signing_keys:write')
  @ApiOperation({ summary: 'List the signing keys JWKS publishes (never a private part)' })
  @ApiOkResponse({ type: SigningKeyPageDto })
  list(@Query() query: PageQueryDto): Page<SigningKeyInfo> {
    return this.listing.list(pageLimit(query), query.cursor);
  }

  @Post('rotate')
  @RequirePermissions('signing_keys:write')
  @ApiOperation({
    summary: 'Rotate in two steps: the new key is published now and signs from activates_at',
    description:
      'The new key is in JWKS at once (state next) and signs from activates_at on. The key it replaces keeps ' +
      'signing until then, then turns retiring: it stays in JWKS until its last token has expired.',
  })
  @ApiCreatedResponse({ type: SigningKeyDto })
  async rotate(@CurrentPrincipal() principal: Principal, @Body() dto: RotateSigningKeyDto): Promise<SigningKeyInfo> {
    return this.listing.info(await this.rotation.rotate(auditActor(principal), dto?.activate_in_seconds));
  }

  @Delete(':kid')
  @HttpCode(204)
  @RequirePermissions('signing_keys:write')
  @ApiOperation({
    summary: 'Withdraw a compromised key: out of JWKS at once, every token it signed inactive',
    description:
      'Erases the private part, removes the key from JWKS and from this list, and makes every access token it ' +
      'signed inactive, on every instance within 1 s; resource services get a `kid` entry on the revocation feed. ' +
      'The key that signs now (or is scheduled to) cannot be withdrawn: rotate with activate_in_seconds 0 first.',
  })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiNotFoundResponse({ description: 'No such key, or already withdrawn' })
  @ApiConflictResponse({ description: 'The key signs now or is scheduled to: rotate with activate_in_seconds 0 first' })
  withdraw(@CurrentPrincipal() principal: Principal, @Param('kid') kid: string): Promise<void> {
    return this.withdrawal.withdraw(auditActor(principal), kid);
  }
}
