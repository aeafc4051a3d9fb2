import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShareScope, parseShareUrlType, shareScope } from './share-url.js';

test('parseShareUrlType: the two supported types, tolerantly; anything else is a reason for 501', () => {
  const table: Array<[string | string[] | undefined, ReturnType<typeof parseShareUrlType>]> = [
    ['ReadOnly', { ok: true, type: 'ReadOnly' }],
    ['ReadWrite', { ok: true, type: 'ReadWrite' }],
    [' readwrite ', { ok: true, type: 'ReadWrite' }],
    [['READONLY'], { ok: true, type: 'ReadOnly' }],
    [undefined, { ok: false, reason: 'X-WOPI-UrlType is missing' }],
    ['', { ok: false, reason: 'X-WOPI-UrlType "" is not a share URL type this host supports (ReadOnly, ReadWrite)' }],
    ['UnknownType', { ok: false, reason: 'X-WOPI-UrlType "UnknownType" is not a share URL type this host supports (ReadOnly, ReadWrite)' }],
    [
      ['ReadOnly', 'ReadWrite'],
      { ok: false, reason: 'X-WOPI-UrlType "ReadOnly,ReadWrite" is not a share URL type this host supports (ReadOnly, ReadWrite)' },
    ],
  ];
  for (const [header, expected] of table) assert.deepEqual(parseShareUrlType(header), expected, JSON.stringify(header));
});

test('share scopes round-trip and never look like a WOPI operation scope', () => {
  const scope = shareScope({ type: 'ReadWrite', kind: 'container', id: 'a:b' });
  assert.equal(scope, 'share:ReadWrite:container:a:b');
  assert.deepEqual(parseShareScope(scope), { type: 'ReadWrite', kind: 'container', id: 'a:b' });
  for (const other of [
    'file:abc',
    'container:abc',
    'ecosystem',
    'share:ReadOnly:file:',
    'share:Edit:file:abc',
    'share:ReadOnly:folder:abc',
    'xshare:ReadOnly:file:abc',
  ]) {
    assert.equal(parseShareScope(other), null, other);
  }
});
