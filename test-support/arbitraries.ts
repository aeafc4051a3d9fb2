import fc from 'fast-check';

/**
 * Generators shared by the fuzz suites. Each builds input whose correct answer is known by
 * construction (a valid Bearer header, a header with another scheme, a WopiSrc on another port…),
 * so a property can assert the exact outcome rather than "did not crash".
 */

/** The same ASCII word with each letter's case chosen at random. */
export function caseVariant(word: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
}

/** RFC 9110 whitespace inside a header value: SP and HTAB only. */
export const httpWhitespace = (minLength: number, maxLength = 3): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(' ', '\t'), { minLength, maxLength }).map((c) => c.join(''));

/** Characters Node will put in a header value as they are: HTAB, visible ASCII, SP, and the latin1 bytes 0x80–0xFF. */
const headerCharacter = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((code) => String.fromCharCode(code));

/** Any value a client can send in a header (before the HTTP parser trims its ends). */
export const headerValue = (maxLength = 200): fc.Arbitrary<string> => fc.array(headerCharacter, { maxLength }).map((c) => c.join(''));

/** A token-like run without SP or HTAB: ASCII, raw latin1 bytes, or UTF-8 bytes of any text. */
export const opaqueToken = (maxLength = 120): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .array(
        headerCharacter.filter((c) => c !== ' ' && c !== '\t'),
        { minLength: 1, maxLength },
      )
      .map((c) => c.join('')),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => utf8Bytes(s).replace(/[ \t]/g, '_')),
    fc
      .base64String({ minLength: 4, maxLength })
      .map((s) => s.replace(/=/g, ''))
      .filter((s) => s.length > 0),
  );

/** A string's UTF-8 bytes as the latin1 string Node writes byte for byte. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Auth schemes other than Bearer, including near misses. */
export const otherScheme = fc.oneof(
  fc.constantFrom('Basic', 'Digest', 'Token', 'Negotiate', 'MAC', 'HOBA', 'Bearerx', 'Bear', 'JWT', 'OAuth', 'DPoP'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,15}$/).filter((s) => !/^bearer:?$/i.test(s)),
);

/** The name's characters, each written as itself or as a %XX escape (either hex case). */
export function percentSpellings(name: string): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom('plain', 'upper', 'lower'), { minLength: name.length, maxLength: name.length }).map((ways) =>
    [...name]
      .map((c, i) => {
        const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
        return ways[i] === 'plain' ? c : `%${ways[i] === 'upper' ? hex.toUpperCase() : hex.toLowerCase()}`;
      })
      .join(''),
  );
}

/** JSON of any shape, including the awkward ones: deep nesting, big strings, odd keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((depth) => nested(depth, [])) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((depth) => nested(depth, {})) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  },
);

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = Array.isArray(leaf) ? [value] : { a: value };
  return value;
}

/** Text that is not JSON: truncations and garbage. */
export const notJson: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !isJson(s)),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => JSON.stringify(v))
    .filter((s) => s.length > 1)
    .map((s) => s.slice(0, -1))
    .filter((s) => !isJson(s)),
  fc.constantFrom('{', '[', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', 'undefined', '\u0000', '{"a":1}{"b":2}'),
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return text.trim() !== '';
  } catch {
    return false;
  }
}

/** Path segments that try to leave where they are: dot segments, encoded slashes, NULs, absolute paths. */
export const traversalSegment = fc.constantFrom(
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%2e.',
  '..%2f',
  '..%2F',
  '%2f..%2f',
  '..%5c',
  '..\\',
  '%00',
  '..%00',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '~',
  '%2fetc%2fpasswd',
  'state.json',
  'keys',
  'tls',
  'ca.key',
  'token-signing.key',
  'storage',
  'index.json',
  'blobs',
);
