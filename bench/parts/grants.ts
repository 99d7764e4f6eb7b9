import { basicAuth } from '../lib/http';
import { FORM, refreshChains } from '../lib/fixtures';
import { Part } from './part';

/** Throughput of the client_credentials row of this run: the refresh_token target is relative to it (issue 10). */
let clientCredentialsRps: number | undefined;
const REFRESH_TARGET_VS_CC = 0.75;

/**
 * (a) POST /oauth/token, client_credentials, client_secret_basic: one RS256 JWT signed on a worker thread, one
 * audit row group-committed with the rows of concurrent requests; the response waits for its row's commit.
 */
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
    clientCredentialsRps = load.rps;
    return [{ id: 'cc', label: 'client_credentials grant', load, target: { minRps: 1000 } }];
  },
};

/**
 * (b) refresh_token grants over many independent chains: each request
 * consumes a token (conditional UPDATE), inserts its successor and writes an
 * audit row in one transaction, while a worker thread signs the JWT. Target:
 * at least 0.75x the client_credentials row of the same run.
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
    const notes = broken > 0 ? [`${broken} chains broke (non-200 answers)`] : [];
    if (clientCredentialsRps) {
      const ratio = load.rps / clientCredentialsRps;
      notes.push(`${ratio.toFixed(2)}x client_credentials (target >= ${REFRESH_TARGET_VS_CC}x)`);
    }
    return [
      {
        id: 'refresh',
        label: `refresh_token grant (${tokens.length} chains)`,
        load,
        target: { minRps: 800 },
        note: notes.length > 0 ? notes.join('; ') : undefined,
      },
    ];
  },
};
