import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './jcs';

/** IEEE 754 bit patterns and their JCS form: RFC 8785 appendix B. */
const NUMBERS: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555555', '333333333.3333333'],
];

describe('canonicalJson (RFC 8785)', () => {
  it('serialises numbers as appendix B says', () => {
    for (const [bits, expected] of NUMBERS) {
      const n = Buffer.from(bits, 'hex').readDoubleBE(0);
      assert.equal(canonicalJson(n), expected, bits);
    }
  });

  it('matches the example of section 3.2.3', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (section 3.2.3 sorting example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Dalet',
      '1': 'One',
      '\ud83d\ude00': 'Grin',
      '\u0080': 'Control',
      '\u00f6': 'o',
    };
    assert.equal(
      canonicalJson(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"o",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Grin","\ufb33":"Dalet"}',
    );
  });

  it('nests, drops undefined members, refuses what JSON cannot carry', () => {
    assert.equal(canonicalJson({ b: [1, { d: 2, c: undefined, a: 'x' }], a: {} }), '{"a":{},"b":[1,{"a":"x","d":2}]}');
    assert.throws(() => canonicalJson(NaN));
    assert.throws(() => canonicalJson(Infinity));
    assert.throws(() => canonicalJson({ f: () => 1 }));
  });
});
