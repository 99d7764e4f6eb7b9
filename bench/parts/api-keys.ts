import { apiKeys, bearerCallerHeaders, introspectBody } from '../lib/fixtures';
import { awaitAuditSealed } from '../lib/quiesce';
import { Part, Row } from './part';

/**
 * (5) API-key introspection: one key over and over, then many distinct keys.
 * Target (issue 10): both at least 0.8x the reference introspection.
 */
export const apiKeyIntrospection: Part = {
  id: 'apikey',
  title: 'API-key introspection',
  needs: ['introspect', 'apiKeys'],
  async run(ctx) {
    const keys = await apiKeys(ctx, ctx.options.tokens + 1);
    const [one, ...many] = keys;
    await awaitAuditSealed(ctx);
    const base = {
      path: '/oauth/introspect',
      method: 'POST' as const,
      // The reference's caller kind (a Bearer token), as in row (1): the target is a ratio to it.
      headers: await bearerCallerHeaders(ctx),
      expectInBody: '"active":true',
    };
    const single = await ctx.load({ ...base, title: 'introspect one API key', body: introspectBody(one) });
    const rotated = await ctx.load({
      ...base,
      title: `introspect ${many.length} API keys`,
      bodies: many.map(introspectBody),
    });
    const rows: Row[] = [
      { id: 'apikey-one', label: '(5a) introspect: one API key', load: single, target: { minReference: 0.8 } },
      {
        id: 'apikey-many',
        label: `(5b) introspect: ${many.length} API keys`,
        load: rotated,
        target: { minReference: 0.8 },
      },
    ];
    return rows;
  },
};
