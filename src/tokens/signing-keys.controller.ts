import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../common/auth/decorators';
import { auditActor, type Principal } from '../common/auth/principal';
import { Page, PageQueryDto, pageLimit } from '../common/http/pagination';
import { RotateSigningKeyDto } from './dto/rotate-signing-key.dto';
import { SigningKeyDto } from './dto/signing-key.dto';
import { SigningKeyPageDto } from './dto/signing-key-page.dto';
import { SigningKeyListing } from './signing-key-listing.service';
import { SigningKeyRotation } from './signing-key-rotation.service';
import { SigningKeyInfo } from './signing-key.types';

@ApiTags('signing-keys')
@Controller('v1/signing-keys')
export class SigningKeysController {
  constructor(
    private readonly listing: SigningKeyListing,
    private readonly rotation: SigningKeyRotation,
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
}
