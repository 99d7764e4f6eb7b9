import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bcryptInput, passwordPolicyErrors } from './password';
import { isValidUsername, usernameKey } from './username';

describe('password', () => {
  it('gives NFC and NFD forms of a password the same bcrypt input', () => {
    const nfc = 'Şifre-Güçlü-İstanbul-2026'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    assert.notEqual(nfc, nfd);
    assert.equal(bcryptInput(nfc), bcryptInput(nfd));
  });
  it('never truncates: differences after byte 72 and trailing NULs count', () => {
    const long = 'a'.repeat(80);
    assert.notEqual(bcryptInput(long), bcryptInput(long + 'b'));
    assert.notEqual(bcryptInput('correct horse battery'), bcryptInput('correct horse battery\u0000'));
    assert.ok(Buffer.byteLength(bcryptInput(long)) <= 72);
    assert.ok(!bcryptInput(long).includes('\u0000'));
  });
  it('applies the length policy in characters and refuses control characters', () => {
    assert.equal(passwordPolicyErrors('short', 12, 128).length, 1);
    assert.equal(passwordPolicyErrors('ŞŞŞŞŞŞŞŞŞŞŞŞ', 12, 128).length, 0);
    assert.equal(passwordPolicyErrors('x'.repeat(129), 12, 128).length, 1);
    assert.equal(passwordPolicyErrors('abcdefghijkl\u0000', 12, 128).length, 1);
  });
});

describe('username', () => {
  it('accepts letters of any script and refuses control characters', () => {
    assert.ok(isValidUsername('çağrı.öztürk'));
    assert.ok(isValidUsername('İlkay'));
    assert.ok(!isValidUsername('bad\u0000name'));
    assert.ok(!isValidUsername("x' OR 1=1 --"));
    assert.ok(!isValidUsername(''));
  });
  it('compares case-insensitively without locale surprises', () => {
    assert.equal(usernameKey('ALICE'), usernameKey('alice'));
    assert.equal(usernameKey('Çağrı'), usernameKey('ÇAĞRI'));
    assert.equal(usernameKey('İstanbul'), usernameKey('istanbul'));
    assert.equal(usernameKey('ılgın'), usernameKey('ILGIN'));
    assert.equal(usernameKey('ılgın'), usernameKey('ilgin'), 'dotless/dotted look-alikes collide');
    assert.notEqual(usernameKey('ölçü'), usernameKey('olcu'));
    assert.equal(usernameKey('ＡＬＩＣＥ'), usernameKey('alice'));
  });
});
