import { BenchContext, log } from '../lib/context';
import { bearerHeaders, clientToken, introspectBody } from '../lib/fixtures';
import { expectStatus, postJson } from '../lib/http';
import { best, cpuFigure, failuresOf, interleaved } from '../lib/interleave';
import { ServiceInstance } from '../lib/service';
import { SignedForms } from '../lib/signed-forms';
import { LoadSummary } from '../load/spec';
import { Part } from './part';

const ROUNDS = 2;
const MIN_RATIO = 0.7;
const MAX_P99_MS = 10;
const VERIFY_PATH = '/oauth/signatures/verify';
/** Forms per second of load: the verification should not outrun introspection; 1.5x leaves room. */
const HEADROOM = 1.5;
const MIN_RATE = 2_000;
/** A form is ~0.7 KB: this bounds the spec file and the load process's memory. */
const MAX_FORMS = 400_000;

/** A signing secret of the bench's client_credentials client, through the public API (shown once). */
async function signingSecret(ctx: BenchContext): Promise<{ keyid: string; secret: string }> {
  const admin = await clientToken(ctx.service.url, ctx.seeded.admin);
  const url = `${ctx.service.url}/v1/clients/${ctx.seeded.cc.clientId}/signing-secrets`;
  const res = expectStatus('create signing secret', await postJson(url, {}, { authorization: `Bearer ${admin}` }), 201);
  return { keyid: String(res.json.keyid), secret: String(res.json.secret) };
}

/** One form by hand: verified once, refused the second time (the nonce registry answers on this instance). */
async function sanityCheck(s: ServiceInstance, forms: SignedForms, headers: Record<string, string>): Promise<void> {
  const [body] = forms.bodies(1);
  const answers: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${s.url}${VERIFY_PATH}`, { method: 'POST', headers, body });
    answers.push(`${res.status} ${await res.text()}`);
  }
  if (!answers[0].startsWith('200 {"valid":true') || answers[1] !== '200 {"valid":false}')
    throw new Error(`signature verification is not answering as the contract says: ${answers.join(' / ')}`);
}

/**
 * (10) RFC 9421 signature verification through the service against path (1)
 * on the same instance. Instance S runs as a fleet does (REDIS_URL: nonces
 * in Redis, `SET NX`), on the same database and issuer as A. Every request
 * carries a form signed for this run with its own nonce, used once: a replay
 * would be `{"valid":false}` and fail the body check. Interleaved, best of
 * two each; the forms of a round are signed just before it.
 */
export const signatureVerification: Part = {
  id: 'signatures',
  title: 'RFC 9421 signature verification against introspection',
  needs: ['introspect'],
  async run(ctx) {
    const secret = await signingSecret(ctx);
    const forms = new SignedForms(secret);
    await forms.crossCheck();
    const s = await ServiceInstance.start('instance S (Redis)', ctx.settings, undefined, {
      env: { REDIS_URL: ctx.options.redisUrl },
    });
    try {
      const caller = await clientToken(ctx.service.url, ctx.seeded.verifier);
      const headers = bearerHeaders(caller);
      await sanityCheck(s, forms, headers);
      const token = await clientToken(ctx.service.url, ctx.seeded.cc);
      const o = ctx.options;
      let lastRate = MIN_RATE;
      const intro = async (round: number): Promise<LoadSummary> => {
        const load = await ctx.load(
          {
            title: `signatures: introspect one token #${round}`,
            url: s.url,
            path: '/oauth/introspect',
            method: 'POST',
            headers,
            body: introspectBody(token),
            expectInBody: '"active":true',
          },
          { countSql: false, cpuOf: s },
        );
        lastRate = Math.max(MIN_RATE, load.rps);
        return load;
      };
      const verify = async (round: number): Promise<LoadSummary> => {
        const count = Math.min(MAX_FORMS, Math.ceil(lastRate * HEADROOM * (o.warmup + o.duration)));
        const started = Date.now();
        const bodies = forms.bodies(count);
        log(`signed ${count} forms in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const load = await ctx.load(
          {
            title: `signatures: verify #${round}`,
            url: s.url,
            path: VERIFY_PATH,
            method: 'POST',
            headers,
            bodies,
            expectInBody: `"valid":true,"client_id":"${ctx.seeded.cc.clientId}"`,
          },
          { countSql: false, cpuOf: s },
        );
        if (load.total + (load.extra.warmupRequests ?? 0) > count)
          log(`  forms ran out (${count}): the replays were refused and count as failures`);
        return load;
      };
      const [introRuns, verifyRuns] = await interleaved(ROUNDS, [intro, verify]);
      const i = best(introRuns);
      const v = best(verifyRuns);
      const ratio = v.rps / Math.max(1, i.rps);
      log(`signatures: ${ratio.toFixed(2)}x introspection, p99 ${v.latency.p99} ms`);
      return [
        { id: 'sig-intro', label: '(10a) introspect one token, Bearer caller (instance S)', load: i, target: {} },
        {
          id: 'sig-verify',
          label: '(10b) verify an RFC 9421 signature, each nonce once (instance S)',
          load: v,
          figures: [
            `${ratio.toFixed(2)}x (10a)`,
            'nonces in Redis',
            `best of ${ROUNDS} each, interleaved`,
            cpuFigure(verifyRuns, introRuns),
          ]
            .filter(Boolean)
            .join('; '),
          target: { text: `>= ${MIN_RATIO}x (10a)`, maxP99Ms: MAX_P99_MS },
          pass: ratio >= MIN_RATIO && v.latency.p99 < MAX_P99_MS && failuresOf([...introRuns, ...verifyRuns]) === 0,
        },
      ];
    } finally {
      await s.stop();
    }
  },
};
