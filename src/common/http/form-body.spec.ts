import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MalformedFormError, parseFormBody } from './form-body';

describe('parseFormBody', () => {
  it('decodes pairs, plus signs and percent-encoding', () => {
    assert.deepEqual({ ...parseFormBody('a=1&b=x+y&c=%C5%9F&d') }, { a: '1', b: 'x y', c: 'ş', d: '' });
  });
  it('rejects a repeated parameter', () => {
    assert.throws(() => parseFormBody('scope=a&scope=b'), MalformedFormError);
  });
  it('rejects broken percent-encoding', () => {
    assert.throws(() => parseFormBody('a=%E0%A4%A'), MalformedFormError);
  });
  it('does not let __proto__ pollute the result', () => {
    const parsed = parseFormBody('__proto__=x&constructor=y');
    assert.equal(parsed.__proto__, 'x');
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
