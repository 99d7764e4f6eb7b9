import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoNestLogger } from './logger';

function capture(): { lines: Array<{ level: number; msg: string }>; logger: PinoNestLogger } {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: new PinoNestLogger(pino({ level: 'info' }, sink)) };
}

describe('PinoNestLogger start-up levels', () => {
  it('keeps route mapping and module wiring out of the info log', () => {
    const { lines, logger } = capture();
    logger.log('Mapped {/oauth/token, POST} route', 'RouterExplorer');
    logger.log('TokenController {/oauth}:', 'RoutesResolver');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    assert.deepEqual(lines, []);
  });

  it('still logs other framework messages at info', () => {
    const { lines, logger } = capture();
    logger.log('Nest application successfully started', 'NestApplication');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, 30);
    assert.equal(lines[0].msg, 'Nest application successfully started');
  });
});
