import { basicAuth } from '../lib/http';
import { FORM, refreshChains } from '../lib/fixtures';
import { Part } from './part';

/** (a) POST /oauth/token, client_credentials, client_secret_basic: sign one JWT and write one audit row per request. */
export const clientCredentials: Part = {
  id: 'cc',
  title: 'client_credentials grants',
  needs: [],
  async run(ctx) {
    const { clientId, secret } = ctx.seeded.cc;
    const load = await ctx.load({
      title: 'client_credentials',
      path: '/oauth/token',
      method: 'POST',
      headers: { 'content-type': FORM, ...basicAuth(clientId, secret) },
      body: 'grant_type=client_credentials',
      expectInBody: '"access_token"',
    });
    return [{ id: 'cc', label: 'client_credentials grant', load, target: { minRps: 1000 } }];
  },
};

/**
 * (b) refresh_token grants over many independent chains: each request
 * consumes a token (conditional UPDATE), inserts its successor, signs a JWT
 * and writes an audit row, all in one transaction.
 */
export const refreshToken: Part = {
  id: 'refresh',
  title: 'refresh_token grants',
  needs: [],
  async run(ctx) {
    const tokens = await refreshChains(ctx, ctx.options.chains);
    const load = await ctx.load({
      title: 'refresh_token',
      path: '/oauth/token',
      method: 'POST',
      headers: { 'content-type': FORM },
      refreshChain: { tokens, bodyPrefix: 'grant_type=refresh_token&client_id=cli&refresh_token=' },
      expectInBody: '"refresh_token"',
    });
    const broken = load.extra.chainsBroken ?? 0;
    return [
      {
        id: 'refresh',
        label: `refresh_token grant (${tokens.length} chains)`,
        load,
        target: { minRps: 800 },
        note: broken > 0 ? `${broken} chains broke (non-200 answers)` : undefined,
      },
    ];
  },
};
