import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, redacted } from './redact.js';
import { authorizationRequestUrl, parseForms, redirectParameters } from './sign-in.js';
import { insideDomains } from './phases/trusted-domains.js';
import { tlsFailureReason } from './phases/tls.js';
import { redirectUriAllowed } from '../http/oauth.js';

describe('Redactor', () => {
  const r = new Redactor();
  r.add('s3cr3t-value');
  test('cuts token parameters, credentials and JSON token properties', () => {
    assert.equal(r.redact('GET https://h/x?access_token=abc.def&x=1'), `GET https://h/x?access_token=${redacted}&x=1`);
    assert.equal(r.redact('Authorization: Bearer eyJhbGciOi.x.y'), `Authorization: Bearer ${redacted}`);
    assert.equal(r.redact('Bearer: tok123'), `Bearer: ${redacted}`);
    assert.equal(r.redact('{"access_token":"a\\"b","token_type":"bearer"}'), `{"access_token":"${redacted}","token_type":"bearer"}`);
    assert.equal(r.redact('https://localhost/?code=xyz&state=1'), `https://localhost/?code=${redacted}&state=1`);
  });
  test('keeps a challenge readable: its parameters are not credentials', () => {
    const challenge = 'Bearer authorization_uri="https://h/a",tokenIssuance_uri="https://h/t"';
    assert.equal(r.redact(challenge), challenge);
  });
  test('cuts a registered secret anywhere, also percent-encoded', () => {
    assert.equal(r.redact('it was s3cr3t-value!'), `it was ${redacted}!`);
    const odd = new Redactor();
    odd.add('a b/c+d');
    assert.equal(odd.redact('x=a%20b%2Fc%2Bd'), `x=${redacted}`);
  });
  test('ignores values too short to be secrets', () => {
    const short = new Redactor();
    short.add('id');
    assert.equal(short.redact('the id'), 'the id');
  });
});

describe('sign-in helpers', () => {
  test("the authorization request carries Office's parameters", () => {
    const url = new URL(authorizationRequestUrl('https://h/oauth/authorize?tenant=1', 'office', 'https://localhost', 'st'));
    assert.deepEqual(
      [...url.searchParams.keys()],
      ['tenant', 'client_id', 'redirect_uri', 'response_type', 'rs', 'build', 'platform', 'scope', 'state'],
    );
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('platform'), 'iOS');
  });

  test('forms: action resolved against the page, hidden fields kept, buttons offered as choices', () => {
    const html = `<form method="post" action="/login?x=1"><input type="hidden" name="client_id" value="a&amp;b">
      <input name="user" value=""><button type="submit" name="action" value="go">Go</button></form>
      <form><input type="submit" name="deny"></form>`;
    const [first, second] = parseForms(html, 'https://idp.example/authorize?y=2');
    assert.equal(first!.action, 'https://idp.example/login?x=1');
    assert.equal(first!.method, 'POST');
    assert.deepEqual(first!.fields, [
      ['client_id', 'a&b'],
      ['user', ''],
    ]);
    assert.deepEqual([...first!.choices], ['action']);
    assert.equal(second!.action, 'https://idp.example/authorize?y=2');
    assert.equal(second!.method, 'GET');
  });

  test('redirect parameters, also from a custom scheme', () => {
    assert.deepEqual(redirectParameters('https://localhost/?code=c1&state=s'), [
      ['code', 'c1'],
      ['state', 's'],
    ]);
    assert.deepEqual(redirectParameters('ms-word-tp:code=c2&tk=t#frag'), [
      ['code', 'c2'],
      ['tk', 't'],
    ]);
  });
});

test('trusted domains match the domain and its subdomains, nothing else', () => {
  assert.equal(insideDomains('contoso.com', ['contoso.com']), true);
  assert.equal(insideDomains('WOPI.Contoso.com.', ['contoso.com']), true);
  assert.equal(insideDomains('a.b.contoso.com', ['*.contoso.com']), true);
  assert.equal(insideDomains('evilcontoso.com', ['contoso.com']), false);
  assert.equal(insideDomains('contoso.com.evil.io', ['contoso.com']), false);
});

test('TLS failures are named in the words people search for', () => {
  assert.match(tlsFailureReason('SELF_SIGNED_CERT_IN_CHAIN'), /^unknown issuer/);
  assert.match(tlsFailureReason('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), /^unknown issuer/);
  assert.match(tlsFailureReason('ERR_TLS_CERT_ALTNAME_INVALID'), /^name mismatch/);
  assert.match(tlsFailureReason('CERT_HAS_EXPIRED'), /^expired/);
  assert.equal(tlsFailureReason('SOMETHING_NEW'), 'SOMETHING_NEW');
});

test('a registered loopback redirect URI without a port allows any port (RFC 8252 §7.3), nothing looser', () => {
  assert.equal(redirectUriAllowed('http://127.0.0.1/callback', 'http://127.0.0.1:53117/callback'), true);
  assert.equal(redirectUriAllowed('http://[::1]/cb', 'http://[::1]:8080/cb'), true);
  assert.equal(redirectUriAllowed('http://127.0.0.1/callback', 'http://127.0.0.1:53117/other'), false);
  assert.equal(redirectUriAllowed('http://127.0.0.1:9000/callback', 'http://127.0.0.1:53117/callback'), false);
  assert.equal(redirectUriAllowed('https://localhost', 'https://localhost:8443'), false);
  assert.equal(redirectUriAllowed('https://localhost', 'https://localhost/'), true);
});
