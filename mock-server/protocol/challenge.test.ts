import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BearerError,
  challengeFor,
  decodeUrlSchemes,
  encodeUrlSchemes,
  formatBootstrapChallenge,
  parseChallenge,
  challengeProblems,
  urlSchemesJson,
} from './challenge.js';

// The Bootstrap spec's sample header, verbatim (note the mixed "," and ", " separators).
const specSample =
  'Bearer authorization_uri="https://contoso.com/api/oauth2/authorize",tokenIssuance_uri="https://contoso.com/api/oauth2/token",providerId="tp_contoso", UrlSchemes="%7B%22iOS%22%20%3A%20%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%20%22Android%22%20%3A%20%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%20%22UWP%22%3A%20%5B%22contoso%22%2C%22contoso-EMM%22%5D%7D"';
const specSampleSchemesDecoded =
  '{"iOS" : ["contoso","contoso-EMM"], "Android" : ["contoso","contoso-EMM"], "UWP": ["contoso","contoso-EMM"]}';

describe('formatBootstrapChallenge', () => {
  test('spec sample: encodeURIComponent of the decoded UrlSchemes reproduces the sample byte for byte', () => {
    const parsed = parseChallenge(specSample);
    assert.equal(encodeURIComponent(specSampleSchemesDecoded), parsed?.params['UrlSchemes']);
  });

  test('spec sample parameters, canonical separators, schemes re-encoded as compact JSON', () => {
    const header = formatBootstrapChallenge({
      authorizationUri: 'https://contoso.com/api/oauth2/authorize',
      tokenIssuanceUri: 'https://contoso.com/api/oauth2/token',
      providerId: 'tp_contoso',
      urlSchemes: { iOS: ['contoso', 'contoso-EMM'], Android: ['contoso', 'contoso-EMM'], UWP: ['contoso', 'contoso-EMM'] },
    });
    assert.equal(
      header,
      'Bearer authorization_uri="https://contoso.com/api/oauth2/authorize",tokenIssuance_uri="https://contoso.com/api/oauth2/token",providerId="tp_contoso",UrlSchemes="%7B%22iOS%22%3A%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%22Android%22%3A%5B%22contoso%22%2C%22contoso-EMM%22%5D%2C%22UWP%22%3A%5B%22contoso%22%2C%22contoso-EMM%22%5D%7D"',
    );
    assert.deepEqual(decodeUrlSchemes(parseChallenge(header)!.params['UrlSchemes']!), JSON.parse(specSampleSchemesDecoded));
  });

  test('only the two required parameters when providerId and schemes are absent; no trailing comma', () => {
    assert.equal(
      formatBootstrapChallenge({ authorizationUri: 'https://h:8443/oauth/authorize', tokenIssuanceUri: 'https://h:8443/oauth/token' }),
      'Bearer authorization_uri="https://h:8443/oauth/authorize",tokenIssuance_uri="https://h:8443/oauth/token"',
    );
  });

  test('platforms with no schemes are omitted, order of the others kept', () => {
    assert.equal(encodeUrlSchemes({ iOS: [], Android: ['b', 'a'] }), encodeURIComponent('{"Android":["b","a"]}'));
    assert.equal(encodeUrlSchemes({ iOS: [], Android: [], UWP: [] }), undefined);
    assert.equal(encodeUrlSchemes(undefined), undefined);
  });

  test('an empty providerId is left out rather than sent as ""', () => {
    assert.doesNotMatch(
      formatBootstrapChallenge({ authorizationUri: 'https://a/x', tokenIssuanceUri: 'https://a/y', providerId: '' }),
      /providerId/,
    );
  });

  test('quotes and backslashes in values are escaped as quoted-string', () => {
    assert.equal(
      formatBootstrapChallenge({ authorizationUri: 'https://a/"x', tokenIssuanceUri: 'https://a/\\y' }),
      'Bearer authorization_uri="https://a/\\"x",tokenIssuance_uri="https://a/\\\\y"',
    );
  });
});

describe('formatBootstrapChallenge styles (the known host bugs)', () => {
  const challenge = {
    authorizationUri: 'https://h/oauth/authorize',
    tokenIssuanceUri: 'https://h/oauth/token',
    providerId: 'tp',
    urlSchemes: { iOS: ['contoso'], Android: ['1', 'com.x', '.Auth'] },
  };
  const encoded = encodeURIComponent('{"iOS":["contoso"],"Android":["1","com.x",".Auth"]}');

  test('the default style is the canonical form, the error parameter last', () => {
    assert.equal(
      formatBootstrapChallenge({ ...challenge, error: 'invalid_token' }),
      `Bearer authorization_uri="https://h/oauth/authorize",tokenIssuance_uri="https://h/oauth/token",providerId="tp",UrlSchemes="${encoded}",error="invalid_token"`,
    );
  });

  test('a trailing comma comes after everything, the error parameter included', () => {
    assert.equal(
      formatBootstrapChallenge({ ...challenge, error: 'invalid_token' }, { trailingComma: true }),
      `Bearer authorization_uri="https://h/oauth/authorize",tokenIssuance_uri="https://h/oauth/token",providerId="tp",UrlSchemes="${encoded}",error="invalid_token",`,
    );
  });

  test('lower-cased names keep the values as they are', () => {
    assert.equal(
      formatBootstrapChallenge(challenge, { lowercaseNames: true }),
      `Bearer authorization_uri="https://h/oauth/authorize",tokenissuance_uri="https://h/oauth/token",providerid="tp",urlschemes="${encoded}"`,
    );
  });

  test('raw UrlSchemes is the compact JSON inserted verbatim, inner quotes unescaped', () => {
    assert.equal(
      formatBootstrapChallenge(challenge, { rawUrlSchemes: true }),
      'Bearer authorization_uri="https://h/oauth/authorize",tokenIssuance_uri="https://h/oauth/token",providerId="tp",UrlSchemes="{"iOS":["contoso"],"Android":["1","com.x",".Auth"]}"',
    );
    // Other values stay quoted-strings.
    assert.match(formatBootstrapChallenge({ ...challenge, providerId: 'a"b' }, { rawUrlSchemes: true }), /providerId="a\\"b"/);
  });

  test('without schemes there is no UrlSchemes parameter to leave unencoded', () => {
    assert.equal(
      formatBootstrapChallenge({ ...challenge, urlSchemes: { iOS: [] } }, { rawUrlSchemes: true }),
      'Bearer authorization_uri="https://h/oauth/authorize",tokenIssuance_uri="https://h/oauth/token",providerId="tp"',
    );
    assert.equal(urlSchemesJson({ iOS: [], UWP: [] }), undefined);
  });
});

describe('challengeFor (the one builder: engine, /api/challenge and the Provider preview)', () => {
  const off = { challengeTrailingComma: false, challengeLowercaseParameters: false, challengeUnencodedUrlSchemes: false };
  const settings = { providerId: 'tp', urlSchemes: { iOS: ['contoso'], Android: [], UWP: [] }, knownBugs: off };
  const encoded = encodeUrlSchemes({ iOS: ['contoso'] })!;

  test('all switches off: the canonical header on the routes of the origin, nothing bent', () => {
    assert.deepEqual(challengeFor(settings, 'https://h'), {
      header: `Bearer authorization_uri="https://h/oauth/authorize",tokenIssuance_uri="https://h/oauth/token",providerId="tp",UrlSchemes="${encoded}"`,
      knownBugs: [],
    });
  });

  test('error="invalid_token" goes last, after the schemes', () => {
    const { header } = challengeFor(settings, 'https://h', { error: BearerError.InvalidToken });
    assert.ok(header.endsWith(`UrlSchemes="${encoded}",error="invalid_token"`), header);
  });

  test('each switch bends the format and is reported, in a fixed order', () => {
    const all = { challengeTrailingComma: true, challengeLowercaseParameters: true, challengeUnencodedUrlSchemes: true };
    const built = challengeFor({ ...settings, knownBugs: all }, 'https://h');
    assert.equal(
      built.header,
      'Bearer authorization_uri="https://h/oauth/authorize",tokenissuance_uri="https://h/oauth/token",providerid="tp",urlschemes="{"iOS":["contoso"]}",',
    );
    assert.deepEqual(built.knownBugs, ['challengeTrailingComma', 'challengeLowercaseParameters', 'challengeUnencodedUrlSchemes']);
  });

  test('unencoded schemes bend nothing when there are no schemes', () => {
    const built = challengeFor(
      { providerId: '', urlSchemes: { iOS: [] }, knownBugs: { ...off, challengeUnencodedUrlSchemes: true } },
      'https://h',
    );
    assert.equal(built.header, 'Bearer authorization_uri="https://h/oauth/authorize",tokenIssuance_uri="https://h/oauth/token"');
    assert.deepEqual(built.knownBugs, []);
  });
});

describe('challengeProblems', () => {
  const base = { authorizationUri: 'https://h/oauth/authorize', tokenIssuanceUri: 'https://h/oauth/token' };
  const cases: Array<[string, object, number]> = [
    ['clean', {}, 0],
    ['query string in authorization_uri', { authorizationUri: 'https://h/a?x=1' }, 1],
    ['comma in token uri', { tokenIssuanceUri: 'https://h/a,b' }, 1],
    ['the word Bearer in providerId', { providerId: 'Bearer1' }, 1],
    ['underscore providerId is parseable (the spec sample has one)', { providerId: 'tp_contoso' }, 0],
  ];
  for (const [name, patch, count] of cases) {
    test(name, () => assert.equal(challengeProblems({ ...base, ...patch }).length, count));
  }
});

describe('parseChallenge', () => {
  test('spec sample: scheme and all four parameters in order', () => {
    const parsed = parseChallenge(specSample);
    assert.equal(parsed?.scheme, 'Bearer');
    assert.deepEqual(
      parsed?.ordered.map(([name]) => name),
      ['authorization_uri', 'tokenIssuance_uri', 'providerId', 'UrlSchemes'],
    );
    assert.equal(parsed?.params['providerId'], 'tp_contoso');
  });

  const tolerant: Array<[string, string, Record<string, string>]> = [
    ['comma without space', 'Bearer a="1",b="2"', { a: '1', b: '2' }],
    ['comma with space', 'Bearer a="1", b="2"', { a: '1', b: '2' }],
    ['bare token value', 'Bearer a=1, b="2"', { a: '1', b: '2' }],
    ['escaped quote', 'Bearer a="x\\"y"', { a: 'x"y' }],
    ['scheme only', 'Bearer', {}],
  ];
  for (const [name, header, params] of tolerant) {
    test(name, () => assert.deepEqual(parseChallenge(header)?.params, params));
  }

  test('garbage is rejected', () => {
    assert.equal(parseChallenge('Bearer a="unterminated'), null);
    assert.equal(parseChallenge('=oops'), null);
  });
});
