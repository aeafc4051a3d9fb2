import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendOrReplaceQueryParameter,
  appendPath,
  buildWopiUrl,
  getQueryParameterValue,
  httpUtilityUrlDecode,
  httpUtilityUrlEncode,
  isAbsoluteUrl,
  urlKeyValueEncode,
} from './url-helper.js';

describe('urlKeyValueEncode (the access_token the validator appends)', () => {
  const cases: Array<[string, string, string]> = [
    ['letters and digits stay', 'abcXYZ019', 'abcXYZ019'],
    ['JWT punctuation is escaped, uppercase hex', 'eyJ.a-b_c', 'eyJ%2Ea%2Db%5Fc'],
    ['space, slash, tilde', 'a b/c~', 'a%20b%2Fc%7E'],
    ['two-byte UTF-8', 'é', '%C3%A9'],
    ['surrogate pair as four bytes', '😀', '%F0%9F%98%80'],
    ['a lone high surrogate at the end is dropped', 'a\uD83D', 'a'],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(urlKeyValueEncode(input), expected));
});

describe('HttpUtility.UrlEncode / UrlDecode', () => {
  test('encode keeps -_.!*() and letters, writes space as +, lowercase hex', () => {
    assert.equal(httpUtilityUrlEncode('ab.c-d_e~f g/é!*()'), 'ab.c-d_e%7ef+g%2f%c3%a9!*()');
  });
  test('decode turns + into space, %XX into UTF-8, %uXXXX into a character, keeps malformed escapes', () => {
    assert.equal(httpUtilityUrlDecode('a+b%2Bc%C3%A9%zz%u00e9'), 'a b+cé%zzé');
  });
});

describe('getQueryParameterValue', () => {
  test('matches the name case-insensitively after ? or & and decodes the value', () => {
    assert.equal(getQueryParameterValue('https://h/x?A=1&Access_Token=t%2Bk+x&z=2', 'access_token'), 't+k x');
  });
  test('stops at # and at &', () => {
    assert.equal(getQueryParameterValue('https://h/x?access_token=abc#frag', 'access_token'), 'abc');
    assert.equal(getQueryParameterValue('https://h/x?access_token=&z=1', 'access_token'), '');
  });
  test('is null when the parameter is absent, even as a substring of another name', () => {
    assert.equal(getQueryParameterValue('https://h/x?my_access_token=abc', 'access_token'), null);
    assert.equal(getQueryParameterValue('https://h/x', 'access_token'), null);
  });
});

describe('appendOrReplaceQueryParameter (the AccessToken mutator)', () => {
  test('replaces an existing value in place, keeping what follows', () => {
    assert.equal(
      appendOrReplaceQueryParameter('https://h/x?access_token=old&z=1#frag', 'access_token', 'new value'),
      'https://h/x?access_token=new+value&z=1#frag',
    );
  });
  test('appends with & when there is a query, ? when not, before a fragment', () => {
    assert.equal(appendOrReplaceQueryParameter('https://h/x?a=1', 'access_token', 'INVALID'), 'https://h/x?a=1&access_token=INVALID');
    assert.equal(appendOrReplaceQueryParameter('https://h/x#frag', 'access_token', 'v'), 'https://h/x?access_token=v#frag');
  });
});

describe('buildWopiUrl (WopiRequest.BuildWopiUri)', () => {
  test('WopiSrc + path suffix + access_token + access_token_ttl', () => {
    assert.equal(
      buildWopiUrl('https://h:1/wopi/files/abc', '/contents', 'eyJ.a-b_c', 1700000000000),
      'https://h:1/wopi/files/abc/contents?access_token=eyJ%2Ea%2Db%5Fc&access_token_ttl=1700000000000',
    );
  });
  test('a WopiSrc with a query gets & (and nothing after a trailing &); the suffix goes after the raw string', () => {
    assert.equal(
      buildWopiUrl('https://h/wopi/files/abc?x=1', '', 't', 0),
      'https://h/wopi/files/abc?x=1&access_token=t&access_token_ttl=0',
    );
    assert.equal(
      buildWopiUrl('https://h/wopi/files/abc?x=1&', '', 't', 0),
      'https://h/wopi/files/abc?x=1&access_token=t&access_token_ttl=0',
    );
    assert.equal(
      buildWopiUrl('https://h/wopi/files/abc?x=1', '/contents', 't', 0),
      'https://h/wopi/files/abc?x=1/contents&access_token=t&access_token_ttl=0',
    );
  });
});

describe('appendPath (UriBuilder.Path += suffix on a URL the host handed out)', () => {
  test('the suffix goes between path and query', () => {
    assert.equal(
      appendPath('https://h:1/wopi/containers/c?access_token=t', '/children'),
      'https://h:1/wopi/containers/c/children?access_token=t',
    );
  });
  test('a trailing slash gives a double slash, as in the validator', () => {
    assert.equal(
      appendPath('https://h:1/wopi/containers/c/?access_token=t', '/children'),
      'https://h:1/wopi/containers/c//children?access_token=t',
    );
  });
});

test('isAbsoluteUrl', () => {
  assert.equal(isAbsoluteUrl('https://h/x?access_token=1'), true);
  assert.equal(isAbsoluteUrl('/wopi/files/x'), false);
  assert.equal(isAbsoluteUrl('not a url'), false);
});
