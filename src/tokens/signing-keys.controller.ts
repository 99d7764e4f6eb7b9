import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../common/auth/decorators';
import { auditActor, type Principal } from '../common/auth/principal';
import { Page, PageQueryDto, pageLimit } from '../common/http/pagination';
import { SigningKeyDto } from './dto/signing-key.dto';
import { SigningKeyPageDto } from './dto/signing-key-page.dto';
import { SigningKeyInfo, SigningKeys } from './signing-keys.service';

@ApiTags('signing-keys')
@Controller('v1/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Get()
  @RequirePermissions('signing_keys:write')
  @ApiOperation({ summary: 'List the signing keys that still verify tokens (never a private part)' })
  @ApiOkResponse({ type: SigningKeyPageDto })
  list(@Query() query: PageQueryDto): Page<SigningKeyInfo> {
    return this.keys.list(pageLimit(query), query.cursor);
  }

  @Post('rotate')
  @RequirePermissions('signing_keys:write')
  @ApiOperation({
    summary: 'Rotate: a new key signs from now on',
    description: 'The previous key turns retiring: it stays in JWKS and keeps verifying until its last token has expired.',
  })
  @ApiCreatedResponse({ type: SigningKeyDto })
  async rotate(@CurrentPrincipal() principal: Principal): Promise<SigningKeyInfo> {
    return SigningKeys.info(await this.keys.rotate(auditActor(principal)));
  }
}
