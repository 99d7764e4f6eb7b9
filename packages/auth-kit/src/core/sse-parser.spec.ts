import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseEvent, SseParser } from './sse-parser';

describe('SseParser', () => {
  const parse = (chunks: string[]): { events: SseEvent[]; comments: number } => {
    const events: SseEvent[] = [];
    let comments = 0;
    const parser = new SseParser(
      (e) => events.push(e),
      () => comments++,
    );
    for (const c of chunks) parser.push(c);
    return { events, comments };
  };

  it('parses events split anywhere across chunks, with LF, CR and CRLF line ends', () => {
    const text = 'id: 1\r\ndata: {"a":1}\r\n\r\n: ping\nid: 2\rdata: x\r\rdata: y\ndata: z\n\n';
    for (let cut = 0; cut < text.length; cut++) {
      const { events, comments } = parse([text.slice(0, cut), text.slice(cut)]);
      assert.deepEqual(
        events.map((e) => [e.id, e.data]),
        [
          ['1', '{"a":1}'],
          ['2', 'x'],
          ['2', 'y\nz'],
        ],
        `cut at ${cut}`,
      );
      assert.equal(comments, 1);
    }
  });

  it('ignores events without data and unknown fields', () => {
    const { events } = parse(['event: ping\n\nretry: 10\nfoo: bar\ndata\n\n']);
    assert.deepEqual(events, [{ id: undefined, event: 'message', data: '' }]);
  });
});
