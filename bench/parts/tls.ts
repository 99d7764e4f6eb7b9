import { BenchContext, log } from '../lib/context';
import { bearerHeaders, clientToken, introspectBody } from '../lib/fixtures';
import { best, cpuFigure, failuresOf, interleaved } from '../lib/interleave';
import { ServiceInstance } from '../lib/service';
import { handshake, makeBenchPki } from '../lib/tls';
import { LoadSummary } from '../load/spec';
import { Part } from './part';

const ROUNDS = 2;
const MIN_RATIO = 0.8;

/** Path (1) on `instance`: one valid token, Bearer caller, every answer checked. */
function introspectOne(
  ctx: BenchContext,
  instance: ServiceInstance,
  title: string,
  caller: string,
  token: string,
): Promise<LoadSummary> {
  return ctx.load(
    {
      title,
      url: instance.url,
      caFile: instance.caFile,
      path: '/oauth/introspect',
      method: 'POST',
      headers: bearerHeaders(caller),
      body: introspectBody(token),
      expectInBody: '"active":true',
    },
    { countSql: false, cpuOf: instance },
  );
}

/**
 * (9) What HTTPS costs on the hot path: introspection of one token over
 * plain HTTP on instance A and over TLS 1.3 on instance T (same database,
 * same issuer, a certificate made for this run), interleaved, best of two
 * each. autocannon keeps its connections alive, so this measures record
 * encryption and the TLS socket, not handshakes.
 */
export const tlsIntrospection: Part = {
  id: 'tls',
  title: 'introspection over TLS 1.3 against plain HTTP',
  needs: ['introspect'],
  async run(ctx) {
    const pki = makeBenchPki();
    let t: ServiceInstance | undefined;
    try {
      t = await ServiceInstance.start('instance T (TLS)', ctx.settings, undefined, { tls: pki });
      const tls = t;
      // Offered 1.2 and 1.3, the service must choose 1.3, with the run's certificate.
      const shake = await handshake(tls.url, pki.caFile);
      log(`instance T: ${shake.protocol} ${shake.cipher}, certificate trusted: ${shake.authorized}`);
      if (shake.protocol !== 'TLSv1.3' || !shake.authorized)
        throw new Error(`instance T negotiated ${shake.protocol} (trusted: ${shake.authorized}), not TLS 1.3`);
      // Minted on A: T shares the database and the issuer, so it accepts both.
      const token = await clientToken(ctx.service.url, ctx.seeded.cc);
      const caller = await clientToken(ctx.service.url, ctx.seeded.introspector);
      const [plainRuns, tlsRuns] = await interleaved(ROUNDS, [
        (round) => introspectOne(ctx, ctx.service, `introspect one token, plain HTTP #${round}`, caller, token),
        (round) => introspectOne(ctx, tls, `introspect one token, TLS 1.3 #${round}`, caller, token),
      ]);
      const plain = best(plainRuns);
      const secure = best(tlsRuns);
      const ratio = secure.rps / Math.max(1, plain.rps);
      log(`tls: ${ratio.toFixed(2)}x plain HTTP (${secure.rps.toFixed(0)} vs ${plain.rps.toFixed(0)} ok/s)`);
      ctx.raw['tls handshake'] = shake;
      return [
        { id: 'tls-plain', label: '(9a) introspect one token, plain HTTP (instance A)', load: plain, target: {} },
        {
          id: 'tls-tls',
          label: '(9b) the same over TLS 1.3, keep-alive (instance T)',
          load: secure,
          figures: [
            `${ratio.toFixed(2)}x plain HTTP`,
            `${shake.protocol} ${shake.cipher}`,
            `best of ${ROUNDS} each, interleaved`,
            cpuFigure(tlsRuns, plainRuns),
          ]
            .filter(Boolean)
            .join('; '),
          target: { text: `>= ${MIN_RATIO}x plain HTTP` },
          pass: ratio >= MIN_RATIO && failuresOf([...plainRuns, ...tlsRuns]) === 0,
        },
      ];
    } finally {
      await t?.stop();
      pki.remove();
    }
  },
};
