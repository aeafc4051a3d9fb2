import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from 'utf7';
import { dotnetUtf7, utf7EncodedUnescaped } from './utf7.js';

describe('dotnetUtf7 (Encoding.UTF7 as text: X-WOPI-RequestedName)', () => {
  const cases: Array<[string, string, string]> = [
    ['plain names pass through', 'ValidatorTestFileRenamed', 'ValidatorTestFileRenamed'],
    ['set D and space are direct', "It's (1), a-b./c:d?", "It's (1), a-b./c:d?"],
    ['an optional direct character is base64-encoded', 'madeup_name.wopitestx', 'madeup+AF8-name.wopitestx'],
    ['RFC 2152 sample, with the closing - .NET always writes', 'A\u2262\u0391.', 'A+ImIDkQ-.'],
    ['RFC 2152 sample in Japanese', '日本語', '+ZeVnLIqe-'],
    ['RFC 2152 sample, ! encoded as .NET does without optionals', 'Hi Mom -\u263A-!', 'Hi Mom -+Jjo--+ACE-'],
    ['+ outside a run is +-', 'C++ notes', 'C+-+- notes'],
    ['+ inside a run is base64', '_+x', '+AF8AKw-x'],
    ['+ then a run', '+_', '+-+AF8-'],
    ['accented letters', 'Résumé.docx', 'R+AOk-sum+AOk-.docx'],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(dotnetUtf7(input), expected);
      assert.equal(decode(expected), input);
    });
  }
});

describe('utf7EncodedUnescaped (X-WOPI-SuggestedTarget / X-WOPI-RelativeTarget)', () => {
  test('same as UTF-7 for names without spaces', () => {
    assert.equal(utf7EncodedUnescaped('madeup_name.wopitestx'), 'madeup+AF8-name.wopitestx');
  });
  test('a space comes out as + (the URL-encode round trip the validator does)', () => {
    assert.equal(utf7EncodedUnescaped('my file.docx'), 'my+file.docx');
  });
  test('empty and absent names are passed through', () => {
    assert.equal(utf7EncodedUnescaped(''), '');
    assert.equal(utf7EncodedUnescaped(undefined), undefined);
  });
});
