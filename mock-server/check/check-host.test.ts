import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import selfsigned from 'selfsigned';
import { browse, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { defaultTestCasesFile } from '../../validator/test-cases-location.js';
import { fileURLToPath } from 'node:url';
import { checkHarness, resultOf, results, withStatus } from '../../test-support/check-fixture.js';
import { checkHost } from './check-host.js';
import { knownBugs, withKnownBug, type KnownBugKey } from '../analysis/known-bugs.js';
import { clientRuleIds, type RuleId } from '../analysis/rulebook.js';
import type { Config } from '../state/config-schema.js';
import type { CheckReport } from './report.js';

/**
 * The host checker against a real engine over verified HTTPS: the mock with its defaults passes
 * every rule it puts to the test, and each known-bug switch makes exactly its own rule fail.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let h: Harness;
let defaults: Config;
let baseline: CheckReport;
/** The same check with no token: what passes without a sign-in. */
let tokenless: CheckReport;

before(async () => {
  h = await startHarness({ startAt: Date.now() });
  defaults = (await h.admin('GET', '/api/config')).json();
  baseline = (await checkHarness(h)).report;
  tokenless = (await checkHarness(h, { signIn: 'given' })).report;
});
after(() => h.close());

async function putConfig(config: Config): Promise<void> {
  const reply = await h.admin('PUT', '/api/config', config);
  assert.equal(reply.status, 200, reply.text);
}

/** Follows the mock's own sign-in form as a browser would, and gives the redirect it ends on. */
async function signInAsAlice(authorizationUrl: string): Promise<string> {
  const page = await h.request('GET', authorizationUrl);
  assert.equal(page.status, 200, page.text);
  const params = [...new URL(authorizationUrl).searchParams];
  const submitted = await h.request('POST', authorizationUrl, { form: { ...Object.fromEntries(params), user: 'alice' } });
  assert.equal(submitted.status, 302, submitted.text);
  return submitted.header('location')!;
}

describe('the mock with its defaults', () => {
  test('passes: no rule fails and none warns', () => {
    const failed = results(baseline).filter((r) => r.status === 'failed' || r.status === 'warning');
    assert.deepEqual(
      failed.map((r) => `${r.rule}: ${r.evidence[0]?.message}`),
      [],
    );
    assert.equal(baseline.outcome, 'passed');
    assert.equal(baseline.summary.failed, 0);
  });

  test('every phase ran except those that need an input it was not given', () => {
    const statuses = Object.fromEntries(baseline.phases.map((p) => [p.id, p.status]));
    assert.deepEqual(statuses, {
      tls: 'passed',
      challenge: 'passed',
      oauth: 'passed',
      profile: 'passed',
      ecosystem: 'passed',
      files: 'passed',
      'access-token': 'passed',
      'trusted-domains': 'skipped',
      write: 'skipped',
    });
    assert.match(baseline.phases.find((p) => p.id === 'write')!.skipReason!, /--write/);
  });

  test('the rules of the flow are put to the test, not skipped', () => {
    const mustRun: RuleId[] = [
      'tls-certificate-trusted',
      'tls-ios-requirements',
      'challenge-status',
      'challenge-trailing-comma',
      'challenge-parameter-casing',
      'url-schemes-not-encoded',
      'challenge-bad-credentials',
      'challenge-get-new-access-token',
      'authorize-accepts-office-parameters',
      'authorize-redirect',
      'token-response-status',
      'token-response-no-store',
      'oauth-code-replay',
      'oauth-redirect-uri-mismatch',
      'oauth-wrong-secret',
      'oauth-refresh',
      'bootstrap-authenticated',
      'bootstrap-colon-form',
      'user-id-stable',
      'shortcut-not-implemented',
      'root-container-missing',
      'ecosystem-url-oauth-token',
      'check-ecosystem',
      'root-container-pointer',
      'bad-token-refused',
      'check-container-info',
      'enumerate-children',
      'enumerate-children-filter',
      'enumerate-ancestors',
      'child-url-without-token',
      'mobile-required-property',
      'user-id-mismatch',
      'get-file-size',
      'wopi-src-not-found',
      'access-token-info',
      'access-token-expiry-seconds',
      'access-token-expiry-past',
      'access-token-scope',
    ];
    assert.deepEqual(
      mustRun.filter((rule) => resultOf(baseline, rule).status !== 'passed'),
      [],
    );
  });

  test('whether refresh tokens rotate is a finding, not a failure', () => {
    const rotation = resultOf(baseline, 'oauth-refresh-rotation');
    assert.equal(rotation.status, 'finding');
    assert.match(rotation.evidence[0]!.message, /rotates refresh tokens; the old one/);
  });

  test('skipped rules say why, and client-side rules are not in a host report', () => {
    for (const result of results(baseline).filter((r) => r.status === 'skipped')) assert.ok(result.skipReason, result.rule);
    assert.equal(resultOf(baseline, 'wopi-src-other-user').skipReason, 'needs a second account (--second-access-token)');
    assert.equal(
      results(baseline).some((r) => clientRuleIds.has(r.rule)),
      false,
    );
  });
});

/**
 * What a switch may take down with its own rule, because a client cannot go on the way it would:
 * `fails`, rules that then fail too; `skips`, rules that can no longer be put to the test
 * (`'after-challenge'`: with no usable challenge there is no sign-in, so only what passes without a token).
 * Every other rule that passed with the defaults must still pass.
 */
const collateral: Partial<Record<KnownBugKey, { fails?: RuleId[]; skips?: RuleId[] | 'after-challenge' }>> = {
  accessTokenExpiryInSeconds: { skips: ['access-token-expiry-past'] },
  oauthTokenInEcosystemUrl: { fails: ['check-ecosystem', 'root-container-pointer'] },
  challengeLowercaseParameters: { fails: ['challenge-missing-parameter'] },
  challengeUnencodedUrlSchemes: { fails: ['challenge-unparseable'] },
  challengeMissingOn401: { fails: ['challenge-bad-credentials', 'challenge-get-new-access-token'], skips: 'after-challenge' },
  childUrlsWithoutTokens: {
    fails: ['enumerate-ancestors'],
    skips: [
      'user-id-mismatch',
      'get-file-size',
      'mobile-required-property',
      'access-token-info',
      'access-token-expiry-seconds',
      'access-token-expiry-past',
      'access-token-scope',
    ],
  },
};

/** A switch that bends a value the defaults leave empty needs that value set to show. */
function configFor(key: KnownBugKey): Config {
  const config = withKnownBug(defaults, key, true);
  return key === 'challengeUnencodedUrlSchemes' ? { ...config, urlSchemes: { iOS: ['contoso'], Android: [], UWP: [] } } : config;
}

describe('each known-bug switch fails its own rule and leaves the unrelated ones passing', () => {
  for (const bug of knownBugs) {
    test(`${bug.configPath} → ${bug.rule}`, async () => {
      await putConfig(configFor(bug.key));
      try {
        const { report } = await checkHarness(h);
        const own = resultOf(report, bug.rule);
        assert.equal(own.status, own.severity === 'failure' ? 'failed' : own.severity, `${bug.rule}: ${JSON.stringify(own)}`);
        assert.ok(own.evidence.length > 0);
        const { fails = [], skips = [] } = collateral[bug.key] ?? {};
        const mayFail = new Set<RuleId>([bug.rule, ...fails]);
        const maySkip = (rule: RuleId) =>
          skips === 'after-challenge' ? resultOf(tokenless, rule).status !== 'passed' : skips.includes(rule);
        const broken = withStatus(baseline, 'passed').filter((rule) => {
          const status = resultOf(report, rule).status;
          return !mayFail.has(rule) && status !== 'passed' && !(status === 'skipped' && maySkip(rule));
        });
        assert.deepEqual(
          broken.map(
            (rule) =>
              `${rule}: ${resultOf(report, rule).status} ${resultOf(report, rule).evidence[0]?.message ?? resultOf(report, rule).skipReason}`,
          ),
          [],
        );
      } finally {
        await putConfig(defaults);
      }
    });
  }
});

describe('sign-in modes', () => {
  test('given: a token handed over skips the sign-in rules with the reason and checks the rest', async () => {
    const tokens = await h.signIn('alice');
    const { report } = await checkHarness(h, { signIn: 'given', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    assert.equal(report.outcome, 'passed');
    assert.match(resultOf(report, 'authorize-redirect').skipReason!, /access token was given/);
    assert.equal(resultOf(report, 'oauth-refresh').status, 'passed');
    assert.equal(resultOf(report, 'bootstrap-authenticated').status, 'passed');
    assert.equal(resultOf(report, 'get-file-size').status, 'passed');
  });

  test('no token and no sign-in: the challenge is checked and every later phase says why it was skipped', async () => {
    const { report } = await checkHarness(h, { signIn: 'given' });
    assert.equal(resultOf(report, 'challenge-status').status, 'passed');
    for (const id of ['profile', 'ecosystem', 'files', 'access-token'] as const) {
      const phase = report.phases.find((p) => p.id === id)!;
      assert.equal(phase.status, 'skipped', id);
      assert.match(phase.skipReason!, /no access token/);
    }
    assert.equal(resultOf(report, 'bootstrap-authenticated').status, 'skipped');
  });

  test('paste: the redirected URL is read from the input', async () => {
    const input = new PassThrough();
    const { report } = await checkHarness(h, {
      signIn: 'paste',
      pasteInput: input,
      onProgress: (event) => {
        if (event.type === 'sign-in')
          void signInAsAlice(event.url).then((redirected) => input.write(`something else first\n${redirected}\n`));
      },
    });
    assert.equal(resultOf(report, 'authorize-redirect').status, 'passed');
    assert.equal(resultOf(report, 'bootstrap-authenticated').status, 'passed');
    // Only the form mode can sign in a second time unattended.
    assert.match(resultOf(report, 'oauth-redirect-uri-mismatch').skipReason!, /second sign-in/);
  });

  test('loopback: a real redirect to a listener on 127.0.0.1 (any port, RFC 8252 §7.3)', async () => {
    await putConfig({
      ...defaults,
      oauth: { ...defaults.oauth, redirectUris: [...defaults.oauth.redirectUris, 'http://127.0.0.1/callback'] },
    });
    try {
      const opened: string[] = [];
      const { report } = await checkHarness(h, {
        signIn: 'loopback',
        client: { clientId: defaults.oauth.clientId, clientSecret: defaults.oauth.clientSecret, auth: 'post' },
        openUrl: (url) => {
          opened.push(url);
          void signInAsAlice(url).then(
            (location) => new Promise<void>((resolve) => httpRequest(location, (res) => res.resume().on('end', resolve)).end()),
          );
        },
      });
      assert.equal(opened.length, 1);
      assert.match(new URL(opened[0]!).searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      assert.equal(resultOf(report, 'authorize-redirect').status, 'passed');
      assert.equal(resultOf(report, 'token-response-status').status, 'passed');
      assert.equal(resultOf(report, 'bootstrap-authenticated').status, 'passed');
    } finally {
      await putConfig(defaults);
    }
  });

  test('client_secret_basic on request', async () => {
    const { report } = await checkHarness(h, {
      client: { clientId: defaults.oauth.clientId, clientSecret: defaults.oauth.clientSecret, auth: 'basic' },
    });
    assert.equal(resultOf(report, 'token-client-secret-basic').status, 'passed');
    assert.equal(report.outcome, 'passed');
  });

  test('a wrong client secret fails the code exchange with the host answer as evidence', async () => {
    const { report } = await checkHarness(h, { client: { clientId: defaults.oauth.clientId, clientSecret: 'wrong', auth: 'post' } });
    const exchange = resultOf(report, 'token-response-status');
    assert.equal(exchange.status, 'failed');
    assert.match(exchange.evidence[0]!.message, /401|invalid_client/);
    assert.equal(report.phases.find((p) => p.id === 'profile')!.status, 'skipped');
  });

  test('--gentle skips the negative probes', async () => {
    const { report } = await checkHarness(h, { gentle: true });
    for (const rule of ['oauth-code-replay', 'oauth-redirect-uri-mismatch', 'oauth-wrong-secret'] as const)
      assert.equal(resultOf(report, rule).skipReason, 'negative probes are off (--gentle)');
  });
});

describe('more inputs', () => {
  test("a second account: GetNewAccessToken for another user's file is 404", async () => {
    const bob = await h.signIn('bob');
    const { report } = await checkHarness(h, { secondAccessToken: bob.access_token });
    assert.equal(resultOf(report, 'wopi-src-other-user').status, 'passed');
  });

  test('trusted domains: inside passes, outside fails naming the URL', async () => {
    const inside = (await checkHarness(h, { trustedDomains: ['localhost'] })).report;
    assert.equal(resultOf(inside, 'trusted-domain').status, 'passed');
    const outside = (await checkHarness(h, { trustedDomains: ['contoso.com'] })).report;
    const result = resultOf(outside, 'trusted-domain');
    assert.equal(result.status, 'failed');
    assert.match(result.evidence[0]!.message, /localhost:\d+, outside the trusted domains contoso\.com/);
  });

  test('no token, code or secret appears in the report; the HAR has the traffic', async () => {
    const outcome = await checkHarness(h);
    const text = JSON.stringify(outcome.report);
    const secrets = new Set<string>();
    for (const entry of outcome.har.log.entries) {
      for (const q of entry.request.queryString) if (['access_token', 'code'].includes(q.name)) secrets.add(q.value);
      const body = entry.response.content.text ?? '';
      for (const m of body.matchAll(/"(?:access_token|refresh_token|AccessToken)":"([^"]+)"/g)) secrets.add(m[1]!);
    }
    assert.ok(secrets.size > 5);
    for (const secret of secrets) assert.equal(text.includes(secret), false, `leaked ${secret.slice(0, 12)}…`);
    assert.equal(text.includes(defaults.oauth.clientSecret), false);
    const excerpt = resultOf(outcome.report, 'oauth-refresh-rotation').evidence[0]!.excerpt!;
    assert.match(excerpt, /"access_token":"\[redacted\]","token_type":"bearer"/, 'only credentials are redacted, not token_type');
    assert.ok(outcome.har.log.entries.length > 30);
    assert.equal(outcome.har.log.version, '1.2');
  });
});

describe('write tests (--write)', () => {
  test('a scratch file is made, the validator runs on it, and it is deleted again', async () => {
    const testCasesPath = defaultTestCasesFile(repoRoot);
    const before = (await browse(h, (await h.signIn('alice')).access_token)).files.map((f) => f.Name);
    const { report } = await checkHarness(h, { write: testCasesPath ? { testCasesPath } : {} });
    assert.equal(resultOf(report, 'scratch-file').status, 'passed');
    const validator = resultOf(report, 'wopi-validator');
    if (testCasesPath === undefined) {
      // A clone without the validator data: the rule says where TestCases.xml comes from.
      assert.equal(validator.status, 'skipped');
      assert.match(validator.skipReason!, /microsoft\/wopi-validator-core.*--test-cases FILE or WOPI_VALIDATOR_DATA/);
    } else {
      assert.equal(validator.status, 'passed', JSON.stringify(validator.evidence.slice(0, 3)));
      assert.ok(validator.evidence.some((e) => / passed$/.test(e.message)));
    }
    const afterwards = (await browse(h, (await h.signIn('alice')).access_token)).files.map((f) => f.Name);
    assert.deepEqual(afterwards, before, 'the scratch file is gone');
  });
});

test('without the validator data, the validator rule is skipped saying where TestCases.xml comes from', async () => {
  const { report } = await checkHarness(h, { write: {} });
  assert.equal(resultOf(report, 'scratch-file').status, 'passed');
  const validator = resultOf(report, 'wopi-validator');
  assert.equal(validator.status, 'skipped');
  assert.match(validator.skipReason!, /microsoft\/wopi-validator-core.*--test-cases FILE or WOPI_VALIDATOR_DATA/);
});

describe('TLS', () => {
  test('an unknown issuer is named as such and nothing else runs', async () => {
    const { report } = await checkHarness(h, { ca: undefined });
    const tls = resultOf(report, 'tls-certificate-trusted');
    assert.equal(tls.status, 'failed');
    assert.match(tls.evidence[0]!.message, /unknown issuer/);
    assert.equal(resultOf(report, 'tls-ios-requirements').status, 'passed', 'the leaf is still checked against the iOS rules');
    assert.equal(report.phases.find((p) => p.id === 'challenge')!.status, 'skipped');
    assert.equal(report.outcome, 'failed');
  });

  test('a name mismatch is named as such, and the leaf is held to the iOS rules', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'elsewhere.example' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'elsewhere.example' }] }],
    });
    const server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.writeHead(401).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { report } = await checkHost(`https://localhost:${port}/wopibootstrapper`, { signIn: 'given', ca: pems.cert });
      const tls = resultOf(report, 'tls-certificate-trusted');
      assert.equal(tls.status, 'failed');
      assert.match(tls.evidence[0]!.message, /name mismatch/);
      assert.equal(resultOf(report, 'tls-ios-requirements').status, 'failed');
      assert.match(
        resultOf(report, 'tls-ios-requirements')
          .evidence.map((e) => e.message)
          .join(' '),
        /serverAuth/,
      );
    } finally {
      server.close();
    }
  });

  test('--insecure goes on, with a banner and a warning', async () => {
    const { report } = await checkHarness(h, { ca: undefined, insecure: true });
    assert.equal(report.banners.length, 1);
    assert.match(report.banners[0]!, /--insecure/);
    assert.equal(resultOf(report, 'tls-verification-disabled').status, 'warning');
    assert.equal(resultOf(report, 'bootstrap-authenticated').status, 'passed');
  });

  test('a host that does not answer is an error of the run, not a failed rule', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { report } = await checkHost(`https://127.0.0.1:${port}/wopibootstrapper`, { signIn: 'given' });
    assert.equal(report.outcome, 'error');
    assert.match(report.error!, /ECONNREFUSED/);
  });
});
