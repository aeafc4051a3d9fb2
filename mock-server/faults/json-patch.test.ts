import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyJsonPatch,
  checkOperation,
  parsePointer,
  patchJsonBody,
  withoutQueryParameter,
  type JsonPatchOperation,
} from './json-patch.js';

const patched = (document: unknown, ops: JsonPatchOperation[]) => {
  const outcome = applyJsonPatch(document, ops);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
  return outcome.value;
};
const refused = (document: unknown, ops: JsonPatchOperation[]) => {
  const outcome = applyJsonPatch(document, ops);
  assert.ok(!outcome.ok, `expected a refusal, got ${JSON.stringify(outcome)}`);
  return outcome.reason;
};

test('RFC 6901 pointers: the empty pointer is the document, ~1 and ~0 unescape in that order', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/a~1b/m~0n/~01'), ['a/b', 'm~n', '~1']);
  assert.deepEqual(parsePointer('/'), ['']);
  assert.match(String(parsePointer('a/b')), /must be empty or start with "\/"/);
});

// RFC 6902 Appendix A, examples A.1 to A.10 and A.16, with the documents and results as printed there.
test('RFC 6902 appendix A: add, remove, replace, move, copy, test and the "-" index', () => {
  assert.deepEqual(patched({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { baz: 'qux', foo: 'bar' });
  assert.deepEqual(patched({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
  assert.deepEqual(patched({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
  assert.deepEqual(patched({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
  assert.deepEqual(patched({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
  assert.deepEqual(
    patched({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]),
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  );
  assert.deepEqual(patched({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), {
    foo: ['all', 'cows', 'eat', 'grass'],
  });
  assert.deepEqual(
    patched({ baz: 'qux', foo: ['a', 2, 'c'] }, [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ]),
    { baz: 'qux', foo: ['a', 2, 'c'] },
  );
  assert.match(refused({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), /operation 0 \(test \/baz\): the value is not "bar"/);
  assert.deepEqual(patched({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), {
    foo: 'bar',
    child: { grandchild: {} },
  });
  assert.match(refused({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), /\/baz does not exist/);
  assert.deepEqual(patched({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), { foo: ['bar', ['abc', 'def']] });
  assert.deepEqual(patched({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }]), { '/': 9, '~1': 10 });
  assert.deepEqual(patched({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }]), { a: { b: 1 }, c: { b: 1 } });
});

test('all or nothing: a later operation that fails leaves the document as it was, and the input is never changed', () => {
  const document = { a: 1, list: [1, 2] };
  const reason = refused(document, [
    { op: 'replace', path: '/a', value: 2 },
    { op: 'remove', path: '/list/5' },
  ]);
  assert.equal(reason, 'operation 1 (remove /list/5): /list/5 is not an element of the array (2 long)');
  assert.deepEqual(document, { a: 1, list: [1, 2] });
  patched(document, [{ op: 'replace', path: '/a', value: 3 }]);
  assert.deepEqual(document, { a: 1, list: [1, 2] });
});

test('array indexes: no leading zeros, no past-the-end except for add', () => {
  assert.match(refused({ l: [1, 2] }, [{ op: 'replace', path: '/l/01', value: 0 }]), /\/l\/01 is not an element/);
  assert.match(refused({ l: [1, 2] }, [{ op: 'add', path: '/l/3', value: 0 }]), /past the end of the array/);
  assert.deepEqual(patched({ l: [1, 2] }, [{ op: 'add', path: '/l/2', value: 3 }]), { l: [1, 2, 3] });
  assert.match(refused({ s: 'text' }, [{ op: 'add', path: '/s/x', value: 0 }]), /\/s is string "text", which has no members/);
});

test('multiply turns seconds into milliseconds and back, and refuses what is not a number', () => {
  assert.deepEqual(patched({ AccessTokenExpiry: 1796297468 }, [{ op: 'multiply', path: '/AccessTokenExpiry', value: 1000 }]), {
    AccessTokenExpiry: 1796297468000,
  });
  assert.deepEqual(patched({ expires_in: 3600000 }, [{ op: 'multiply', path: '/expires_in', value: 0.001 }]), { expires_in: 3600 });
  assert.match(refused({ v: '12' }, [{ op: 'multiply', path: '/v', value: 2 }]), /the value is string "12", not a number/);
  assert.equal(checkOperation({ op: 'multiply', path: '/v', value: '2' }), '"multiply" needs a finite number as its value');
});

test('stripQuery removes one parameter, in any spelling of its name, and keeps the rest byte for byte', () => {
  assert.equal(
    withoutQueryParameter('https://h/wopi/files/1/contents?access_token=abc', 'access_token'),
    'https://h/wopi/files/1/contents',
  );
  assert.equal(withoutQueryParameter('https://h/f?a=1&access_token=x&b=%20y#frag', 'access_token'), 'https://h/f?a=1&b=%20y#frag');
  assert.equal(withoutQueryParameter('https://h/f?access%5Ftoken=x&access_token=y&c', 'access_token'), 'https://h/f?c');
  assert.equal(withoutQueryParameter('https://h/f', 'access_token'), 'https://h/f');
  assert.equal(withoutQueryParameter('https://h/f?%zz=1', 'access_token'), 'https://h/f?%zz=1');
  assert.deepEqual(
    patched({ FileUrl: 'https://h/c?access_token=t&v=2' }, [{ op: 'stripQuery', path: '/FileUrl', value: 'access_token' }]),
    {
      FileUrl: 'https://h/c?v=2',
    },
  );
});

test('a "*" segment reaches every element of an array; on an object it is a member named "*"', () => {
  const children = { ChildFiles: [{ Url: 'https://h/1?access_token=a' }, { Url: 'https://h/2?access_token=b' }], ChildContainers: [] };
  assert.deepEqual(patched(children, [{ op: 'stripQuery', path: '/ChildFiles/*/Url', value: 'access_token' }]), {
    ChildFiles: [{ Url: 'https://h/1' }, { Url: 'https://h/2' }],
    ChildContainers: [],
  });
  assert.deepEqual(patched({ l: [1, 2, 3, 4] }, [{ op: 'remove', path: '/l/*' }]), { l: [] });
  assert.deepEqual(patched({ l: [] }, [{ op: 'replace', path: '/l/*', value: 0 }]), { l: [] });
  assert.deepEqual(patched({ '*': 1 }, [{ op: 'replace', path: '/*', value: 2 }]), { '*': 2 });
  assert.deepEqual(patched({ rows: [{ cells: [1, 2] }, { cells: [3] }] }, [{ op: 'multiply', path: '/rows/*/cells/*', value: 10 }]), {
    rows: [{ cells: [10, 20] }, { cells: [30] }],
  });
});

test('operations that cannot apply as written are refused before any document is seen', () => {
  assert.equal(checkOperation({ op: 'add', path: '/a' }), '"add" needs a value');
  assert.equal(checkOperation({ op: 'move', path: '/a' }), '"move" needs from');
  assert.equal(checkOperation({ op: 'move', from: '/a', path: '/a/b' }), '"move" cannot move /a into itself');
  assert.equal(checkOperation({ op: 'copy', from: '/l/*', path: '/b' }), '"copy" takes no "*" segment: it names one value');
  assert.equal(checkOperation({ op: 'remove', path: '/a', from: '/b' }), 'from goes with "move" and "copy", not "remove"');
  assert.equal(checkOperation({ op: 'remove', path: '' }), '"remove" needs a path inside the document, not the whole of it');
  assert.equal(
    checkOperation({ op: 'stripQuery', path: '/u', value: '' }),
    '"stripQuery" needs the name of the query parameter as its value',
  );
  assert.equal(checkOperation({ op: 'replace', path: '', value: 1 }), null);
  assert.deepEqual(patched({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
});

test('a body is patched only when it is JSON by Content-Type and by parsing', () => {
  const ops: JsonPatchOperation[] = [{ op: 'multiply', path: '/AccessTokenExpiry', value: 1000 }];
  const outcome = patchJsonBody(Buffer.from('{"AccessToken":"t","AccessTokenExpiry":5}'), 'application/json; charset=utf-8', ops);
  assert.deepEqual(outcome, { applied: true, bytes: Buffer.from('{"AccessToken":"t","AccessTokenExpiry":5000}') });
  assert.deepEqual(patchJsonBody(Buffer.from('{}'), 'text/html', ops), {
    applied: false,
    reason: 'the answer is not JSON (Content-Type text/html)',
  });
  assert.deepEqual(patchJsonBody(Buffer.from(''), '', ops), { applied: false, reason: 'the answer is not JSON (Content-Type absent)' });
  assert.deepEqual(patchJsonBody(Buffer.from('{"a":'), 'application/json', ops), {
    applied: false,
    reason: 'the answer says JSON but does not parse',
  });
  assert.deepEqual(patchJsonBody(Buffer.from('{"a":1}'), 'application/problem+json', ops), {
    applied: false,
    reason: 'operation 0 (multiply /AccessTokenExpiry): /AccessTokenExpiry does not exist',
  });
});
