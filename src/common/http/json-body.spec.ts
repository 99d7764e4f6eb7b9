import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDocumentProblem, MAX_JSON_DEPTH } from './json-body';

describe('jsonDocumentProblem', () => {
  it('accepts ordinary documents, surrogate pairs included', () => {
    assert.equal(jsonDocumentProblem(JSON.parse('{"a":["x","\\ud83d\\ude00",1,null,{"b":"ç"}]}')), null);
    assert.equal(jsonDocumentProblem('text'), null);
  });

  it('finds a lone surrogate in a value or a key', () => {
    assert.equal(jsonDocumentProblem(JSON.parse('{"email":"\\ud800x"}')), 'ill_formed_unicode');
    assert.equal(jsonDocumentProblem(JSON.parse('{"\\udc00":1}')), 'ill_formed_unicode');
  });

  it('refuses nesting beyond the cap, iteratively (5,000 levels do not overflow)', () => {
    const nest = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
    assert.equal(jsonDocumentProblem(JSON.parse(nest(MAX_JSON_DEPTH))), null);
    assert.equal(jsonDocumentProblem(JSON.parse(nest(MAX_JSON_DEPTH + 1))), 'too_deep');
    assert.equal(jsonDocumentProblem(JSON.parse(nest(5_000))), 'too_deep');
    assert.equal(jsonDocumentProblem(JSON.parse(`${'{"a":'.repeat(1_000)}1${'}'.repeat(1_000)}`)), 'too_deep');
  });
});
