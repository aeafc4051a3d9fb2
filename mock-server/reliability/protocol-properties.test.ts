import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeUrlSchemes,
  encodeUrlSchemes,
  formatBootstrapChallenge,
  parseChallenge,
  urlSchemePlatforms,
  type UrlSchemes,
} from '../protocol/challenge.js';
import { parseBasicAuthorization, parseBearerAuthorization } from '../protocol/authorization.js';
import { isPlausibleResourceId, resolveWopiSrc } from '../protocol/wopi-src.js';
import { sameRedirectUri } from '../http/oauth.js';
import { withoutSecretParameters } from '../http/record.js';
import {
  caseVariant,
  headerValue,
  httpWhitespace,
  opaqueToken,
  otherScheme,
  percentSpellings,
  traversalSegment,
} from '../../test-support/arbitraries.js';
import { checkSync } from '../../test-support/fuzz.js';

/** Properties of the pure wire functions, over generated input rather than a few hand-picked rows. */

const hostName = fc.oneof(fc.domain(), fc.ipV4(), fc.constant('localhost'));
const origin = fc.tuple(hostName, fc.integer({ min: 1, max: 65535 })).map(([host, port]) => `https://${host}:${port}`);
const schemeList = fc.array(fc.stringMatching(/^[a-z][a-z0-9+.-]{0,20}:\/\/[a-z0-9/]{0,10}$/), { maxLength: 3 });
const urlSchemes: fc.Arbitrary<UrlSchemes> = fc.record({ iOS: schemeList, Android: schemeList, UWP: schemeList }, { requiredKeys: [] });

describe('Bearer challenge: format then parse', () => {
  test('any providerId and scheme lists round-trip, parameters in spec order', (t) => {
    checkSync(t, [origin, fc.string({ unit: 'binary', maxLength: 40 }), urlSchemes], (base, providerId, schemes) => {
      const challenge = {
        authorizationUri: `${base}/oauth/authorize`,
        tokenIssuanceUri: `${base}/oauth/token`,
        providerId,
        urlSchemes: schemes,
      };
      const header = formatBootstrapChallenge(challenge);
      const parsed = parseChallenge(header);
      assert.ok(parsed, header);
      assert.equal(parsed.scheme, 'Bearer');
      const present = urlSchemePlatforms.filter((p) => (schemes[p] ?? []).length > 0);
      const expected: Array<[string, string]> = [
        ['authorization_uri', challenge.authorizationUri],
        ['tokenIssuance_uri', challenge.tokenIssuanceUri],
        ...(providerId !== '' ? [['providerId', providerId] as [string, string]] : []),
        ...(present.length > 0 ? [['UrlSchemes', encodeUrlSchemes(schemes)!] as [string, string]] : []),
      ];
      assert.deepEqual(parsed.ordered, expected);
      if (present.length > 0)
        assert.deepEqual(decodeUrlSchemes(parsed.params['UrlSchemes']!), Object.fromEntries(present.map((p) => [p, schemes[p]])));
    });
  });

  test('the parser reads ", " and "," separators and bare values alike', (t) => {
    const safeValue = fc.stringMatching(/^[A-Za-z0-9._~:/?&%-]{1,30}$/);
    const param = fc.tuple(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/), safeValue, fc.boolean());
    checkSync(
      t,
      [
        fc.uniqueArray(param, { minLength: 1, maxLength: 5, selector: ([name]) => name }),
        fc.array(fc.constantFrom(',', ', ', ' , ', ',  '), { minLength: 5, maxLength: 5 }),
      ],
      (params, separators) => {
        const header =
          'Bearer ' +
          params.map(([name, value, quoted], i) => (i > 0 ? separators[i]! : '') + `${name}=${quoted ? `"${value}"` : value}`).join('');
        const parsed = parseChallenge(header);
        assert.ok(parsed, header);
        assert.deepEqual(
          parsed.ordered,
          params.map(([name, value]) => [name, value]),
        );
      },
    );
  });
});

describe('Authorization header parsing', () => {
  test('"Bearer <token>" and "Bearer: <token>", any case, SP/HTAB around: the token comes back', (t) => {
    checkSync(
      t,
      [caseVariant('bearer'), fc.boolean(), httpWhitespace(0), httpWhitespace(1), httpWhitespace(0), opaqueToken()],
      (scheme, colon, before, between, after, token) => {
        assert.deepEqual(parseBearerAuthorization(`${before}${scheme}${colon ? ':' : ''}${between}${token}${after}`), {
          kind: 'bearer',
          token,
          form: colon ? 'Bearer:' : 'Bearer',
        });
      },
    );
  });

  test('the scheme alone, blank or absent is "missing"', (t) => {
    checkSync(
      t,
      [fc.option(fc.tuple(caseVariant('bearer'), fc.boolean()), { nil: undefined }), httpWhitespace(0), httpWhitespace(0)],
      (scheme, before, after) => {
        const header = scheme === undefined ? `${before}${after}` : `${before}${scheme[0]}${scheme[1] ? ':' : ''}${after}`;
        assert.deepEqual(parseBearerAuthorization(header), { kind: 'missing' });
      },
    );
    assert.deepEqual(parseBearerAuthorization(undefined), { kind: 'missing' });
  });

  test('another scheme, a glued token, two tokens or any non-SP/HTAB separator is malformed', (t) => {
    const malformed = { kind: 'malformed', reason: 'not of the form "Bearer <token>" or "Bearer: <token>"' };
    const otherWhitespace = fc.constantFrom('\u00a0', '\u000b', '\u000c', '\u0085', '\u3000', '\u00a0\u00a0');
    checkSync(
      t,
      [fc.integer({ min: 0, max: 3 }), caseVariant('bearer'), otherScheme, opaqueToken(), opaqueToken(), otherWhitespace],
      (shape, bearer, scheme, token, second, oddSpace) => {
        const header = [
          `${scheme} ${token}`,
          `${bearer}${token.replace(/^:/, 'x')}`,
          `${bearer} ${token} ${second}`,
          `${bearer}${oddSpace}${token}`,
        ][shape]!;
        assert.deepEqual(parseBearerAuthorization(header), malformed, JSON.stringify(header));
      },
    );
  });

  test('several header lines are refused whatever they hold', (t) => {
    checkSync(t, [fc.array(headerValue(60), { minLength: 2, maxLength: 4 })], (lines) => {
      assert.deepEqual(parseBearerAuthorization(lines), { kind: 'malformed', reason: 'sent more than once' });
    });
  });

  test('any header value parses to one of the three kinds, never throws', (t) => {
    checkSync(t, [headerValue(300)], (header) => {
      const parsed = parseBearerAuthorization(header);
      assert.ok(['bearer', 'missing', 'malformed'].includes(parsed.kind));
      if (parsed.kind === 'bearer') assert.ok(header.includes(parsed.token) && !/[ \t]/.test(parsed.token));
    });
  });

  test('HTTP Basic: form-encoded id and secret, base64 or base64url, round-trip (RFC 6749 §2.3.1)', (t) => {
    const formEncode = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
    checkSync(
      t,
      [fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.boolean(), caseVariant('basic')],
      (id, secret, url, scheme) => {
        const encoded = Buffer.from(`${formEncode(id)}:${formEncode(secret)}`, 'utf8').toString(url ? 'base64url' : 'base64');
        assert.deepEqual(parseBasicAuthorization(`${scheme} ${encoded}`), { username: id, password: secret });
      },
    );
  });

  test('HTTP Basic: any other value is undefined (not Basic) or null (unreadable), never throws', (t) => {
    checkSync(
      t,
      [
        fc.oneof(
          headerValue(100),
          headerValue(60).map((v) => `Basic ${v}`),
        ),
      ],
      (header) => {
        const parsed = parseBasicAuthorization(header);
        if (parsed) assert.ok(/^[ \t]*basic[ \t]/i.test(header));
        else assert.ok(parsed === null || !/^[ \t]*basic\b/i.test(header), JSON.stringify(header));
      },
    );
  });
});

describe('WopiSrc resolution', () => {
  const port = 8443;
  const hostNames = new Set(['localhost', '127.0.0.1', '::1', 'laptop', 'laptop.local', '192.168.1.20']);
  const context = { hostNames, port };
  const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
  const kind = fc.constantFrom('file' as const, 'container' as const);
  const ourHost = fc.constantFrom('localhost', 'LOCALHOST', '127.0.0.1', '[::1]', 'Laptop', 'laptop.local', '192.168.1.20');

  test('our host (any case) and port, a resource path, optional "/" and query: exactly that resource', (t) => {
    checkSync(
      t,
      [kind, id, ourHost, fc.boolean(), fc.constantFrom('', '?access_token=abc', '?x=1&y=2', '#frag')],
      (k, resourceId, host, slash, tail) => {
        const value = `https://${host}:${port}/wopi/${k}s/${resourceId}${slash ? '/' : ''}${tail}`;
        assert.deepEqual(resolveWopiSrc(value, context), { ok: true, kind: k, id: resourceId });
      },
    );
  });

  test('another scheme, host or port is refused with that reason', (t) => {
    const otherHost = fc.oneof(
      fc.domain(),
      fc.constantFrom('localhost.evil.example', '127.0.0.2', 'laptop.evil', '[::2]', '0.0.0.0', 'evil.example'),
    );
    checkSync(
      t,
      [
        fc.integer({ min: 0, max: 2 }),
        kind,
        id,
        otherHost,
        fc.integer({ min: 1, max: 65535 }).filter((p) => p !== port),
        fc.constantFrom('http', 'ftp', 'wss', 'ws'),
      ],
      (which, k, resourceId, host, otherPort, scheme) => {
        const path = `/wopi/${k}s/${resourceId}`;
        if (which === 0) {
          assert.deepEqual(resolveWopiSrc(`${scheme}://localhost:${port}${path}`, context), {
            ok: false,
            reason: 'X-WOPI-WopiSrc is not an https URL',
          });
        } else if (which === 1) {
          fc.pre(!hostNames.has(new URL(`https://${host}`).hostname.replace(/^\[|\]$/g, '')));
          assert.deepEqual(resolveWopiSrc(`https://${host}:${port}${path}`, context), {
            ok: false,
            reason: `X-WOPI-WopiSrc names another host (${new URL(`https://${host}`).hostname.replace(/^\[|\]$/g, '')})`,
          });
        } else {
          assert.deepEqual(resolveWopiSrc(`https://localhost:${otherPort}${path}`, context), {
            ok: false,
            reason: `X-WOPI-WopiSrc names another port (${otherPort})`,
          });
        }
      },
    );
  });

  test('whatever the path holds, a success names a plausible id that is the last segment of the normalised URL', (t) => {
    const segment = fc.oneof(
      traversalSegment,
      id,
      fc.constantFrom('wopi', 'files', 'containers', 'contents', '', '%2F', '%2f'),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    checkSync(t, [fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean()], (segments, prefixed) => {
      const value = `https://localhost:${port}${prefixed ? '/wopi/files/' : '/'}${segments.join('/')}`;
      const resolved = resolveWopiSrc(value, context);
      if (!resolved.ok) return;
      assert.ok(isPlausibleResourceId(resolved.id), resolved.id);
      const pathname = new URL(value).pathname.replace(/\/$/, '');
      assert.equal(pathname, `/wopi/${resolved.kind}s/${resolved.id}`, value);
    });
  });

  test('an encoded slash or dot segment inside the id is never an id', (t) => {
    checkSync(t, [kind, id, fc.constantFrom('%2F', '%2f', '%5C', '%2e%2e%2f', '..%2F', '%00', '%25'), id], (k, left, sneaky, right) => {
      const resolved = resolveWopiSrc(`https://localhost:${port}/wopi/${k}s/${left}${sneaky}${right}`, context);
      assert.equal(resolved.ok, false);
    });
  });

  test('any string: a result, never an exception', (t) => {
    checkSync(
      t,
      [fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.webUrl({ withQueryParameters: true, withFragments: true }))],
      (value) => {
        const resolved = resolveWopiSrc(value, context);
        assert.equal(typeof resolved.ok, 'boolean');
      },
    );
  });
});

describe('redirect URI comparison', () => {
  const registered = fc
    .tuple(fc.domain(), fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxLength: 3 }))
    .map(([host, path]) => `https://${host}${path.length ? '/' + path.join('/') : ''}`);

  test('scheme and host case and an empty path\'s "/" do not matter', (t) => {
    checkSync(t, [registered, caseVariant('https'), fc.boolean()], (uri, scheme, slash) => {
      const url = new URL(uri);
      const variant = `${scheme}://${url.host.toUpperCase()}${url.pathname === '/' ? (slash ? '/' : '') : url.pathname}`;
      assert.equal(sameRedirectUri(uri, variant), true, `${uri} vs ${variant}`);
    });
  });

  test('path case, a trailing slash on a path, another scheme or port differ', (t) => {
    checkSync(t, [registered.filter((u) => new URL(u).pathname !== '/'), fc.integer({ min: 0, max: 3 })], (uri, change) => {
      const url = new URL(uri);
      const variant = [
        `https://${url.host}${url.pathname.toUpperCase()}`,
        `${uri}/`,
        `http://${url.host}${url.pathname}`,
        `https://${url.host}:8443${url.pathname}`,
      ][change]!;
      fc.pre(variant !== uri);
      assert.equal(sameRedirectUri(uri, variant), false, `${uri} vs ${variant}`);
    });
  });
});

describe('client secret redaction in forms and queries', () => {
  test('every client_secret, however its name is percent-encoded, loses its value; other parameters stay byte for byte', (t) => {
    const other = fc
      .tuple(
        fc.stringMatching(/^[a-z_]{1,10}$/).filter((n) => n !== 'client_secret'),
        fc.string({ maxLength: 12 }),
      )
      .map(([n, v]) => `${n}=${encodeURIComponent(v)}`);
    const secret = fc
      .tuple(percentSpellings('client_secret'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }))
      .map(([n, v]) => ({ raw: `${n}=${encodeURIComponent(v)}`, name: n, value: v }));
    checkSync(
      t,
      [
        fc.array(
          fc.oneof(
            other.map((raw) => ({ raw, secret: false as const })),
            secret.map((s) => ({ ...s, secret: true as const })),
          ),
          { minLength: 1, maxLength: 6 },
        ),
      ],
      (parts) => {
        const form = parts.map((p) => p.raw).join('&');
        const redacted = withoutSecretParameters(form).split('&');
        parts.forEach((part, i) => {
          if (part.secret) assert.equal(redacted[i], `${part.name}=%5Bredacted%5D`);
          else assert.equal(redacted[i], part.raw);
        });
        const values = new URLSearchParams(redacted.join('&')).getAll('client_secret');
        assert.deepEqual(
          values,
          parts.filter((p) => p.secret).map(() => '[redacted]'),
        );
      },
    );
  });
});
