import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBasicAuthorization, parseBearerAuthorization } from './authorization.js';

describe('parseBearerAuthorization', () => {
  const cases: Array<[string, string | string[] | undefined, ReturnType<typeof parseBearerAuthorization>]> = [
    ['RFC 6750 form', 'Bearer abc.def', { kind: 'bearer', token: 'abc.def', form: 'Bearer' }],
    ['spec form with colon', 'Bearer: abc.def', { kind: 'bearer', token: 'abc.def', form: 'Bearer:' }],
    ['scheme case-insensitive', 'bearer abc', { kind: 'bearer', token: 'abc', form: 'Bearer' }],
    ['surrounding and inner whitespace', '  Bearer:   abc  ', { kind: 'bearer', token: 'abc', form: 'Bearer:' }],
    ['token is opaque, not necessarily base64', 'Bearer a~b!c', { kind: 'bearer', token: 'a~b!c', form: 'Bearer' }],
    ['missing', undefined, { kind: 'missing' }],
    ['blank', '   ', { kind: 'missing' }],
    ['scheme without token', 'Bearer', { kind: 'missing' }],
    ['colon form without token', 'Bearer:', { kind: 'missing' }],
    ['no space after scheme', 'Bearerabc', { kind: 'malformed', reason: 'not of the form "Bearer <token>" or "Bearer: <token>"' }],
    ['two tokens', 'Bearer a b', { kind: 'malformed', reason: 'not of the form "Bearer <token>" or "Bearer: <token>"' }],
    ['other scheme', 'Basic dXNlcjpwYXNz', { kind: 'malformed', reason: 'not of the form "Bearer <token>" or "Bearer: <token>"' }],
    ['several header lines', ['Bearer a', 'Bearer b'], { kind: 'malformed', reason: 'sent more than once' }],
  ];
  for (const [name, header, expected] of cases) {
    test(name, () => assert.deepEqual(parseBearerAuthorization(header), expected));
  }
});

describe('parseBasicAuthorization', () => {
  const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  test('plain credentials', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${encode('client:secret')}`), { username: 'client', password: 'secret' });
  });
  test('RFC 6749 §2.3.1 form-encoding of both parts is undone', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${encode('my+client:s%3Ac%25')}`), { username: 'my client', password: 's:c%' });
  });
  test('password may contain colons', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${encode('c:a:b')}`), { username: 'c', password: 'a:b' });
  });
  test('absent or another scheme is undefined', () => {
    assert.equal(parseBasicAuthorization(undefined), undefined);
    assert.equal(parseBasicAuthorization('Bearer x'), undefined);
  });
  test('Basic that cannot be read is null', () => {
    assert.equal(parseBasicAuthorization('Basic !!!'), null);
    assert.equal(parseBasicAuthorization(`Basic ${encode('nocolon')}`), null);
    assert.equal(parseBasicAuthorization(`Basic ${Buffer.from([0xff, 0x3a, 0x61]).toString('base64')}`), null);
    assert.equal(parseBasicAuthorization(`Basic ${encode('a:%zz')}`), null);
  });
});
