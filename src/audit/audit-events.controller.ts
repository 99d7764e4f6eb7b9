import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermissions } from '../common/auth/decorators';
import { Page } from '../common/http/pagination';
import { AuditQueryService } from './audit-query.service';
import { AuditEventDto } from './dto/audit-event.dto';
import { AuditEventPageDto } from './dto/audit-event-page.dto';
import { AuditEventsQueryDto } from './dto/audit-events-query.dto';

@ApiTags('audit-events')
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @RequirePermissions('audit:read')
  @ApiOperation({
    summary: 'Read audit events, newest first',
    description: 'Exact-match filters; since and until are RFC 3339 and inclusive.',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiBadRequestResponse({ description: 'Invalid filter, limit or cursor' })
  list(@Query() query: AuditEventsQueryDto): Promise<Page<AuditEventDto>> {
    return this.audit.list(query);
  }
}
