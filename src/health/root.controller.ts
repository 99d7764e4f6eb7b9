import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';

/** Where to go from `/`: a person or a client landing on the bare URL finds the documentation. */
export interface ServiceIndex {
  docs: string;
  openapi: string;
  discovery: string;
}

const INDEX: ServiceIndex = {
  docs: '/docs',
  openapi: '/docs-json',
  discovery: '/.well-known/oauth-authorization-server',
};

/** Left out of the OpenAPI document: it only points at that document. */
@ApiExcludeController()
@Controller()
export class RootController {
  /** JSON rather than a redirect: machine clients and curl see the links instead of the Swagger HTML. */
  @Public()
  @Get()
  index(): ServiceIndex {
    return INDEX;
  }
}
