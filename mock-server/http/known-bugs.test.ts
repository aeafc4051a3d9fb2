import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendPath,
  bearer,
  browse,
  clientId,
  clientSecret,
  expectedChallenge,
  redirectUri,
  startHarness,
  tokenOf,
  withoutQuery,
  type Harness,
  type Reply,
} from '../../test-support/host-fixture.js';
import { override, utf7 } from '../../test-support/file-fixture.js';
import { knownBugNote, knownBugs, withKnownBug, type KnownBugKey } from '../analysis/known-bugs.js';
import type { Config } from '../state/config-schema.js';
import type { LogEntry } from '../log/entry.js';
import { specWarnings } from '../analysis/spec-check.js';

/**
 * Every known-bug switch against a real engine over HTTPS: on, the answer is bent exactly as
 * the table says and its log entry names the switch; off, the answer is the spec's and unmarked.
 */

let h: Harness;
let alice: string;
let defaults: Config;
let rootUrl: string;
let fileUrl: string;
let folderUrl: string;

const wopiTtlMs = 10 * 3600 * 1000;
const schemes = { iOS: ['contoso', 'contoso-EMM'], Android: [], UWP: [] };
const schemesJson = '{"iOS":["contoso","contoso-EMM"]}';

before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
  alice = (await h.signIn('alice')).access_token;
  const browsed = await browse(h, alice);
  rootUrl = browsed.rootUrl;
  fileUrl = browsed.files.find((f) => f.Name === 'Welcome.docx')!.Url;
  const folder = await override(h, rootUrl, 'CREATE_CHILD_CONTAINER', { 'x-wopi-relativetarget': utf7('Projects') });
  assert.equal(folder.status, 200, folder.text);
  folderUrl = folder.json().ContainerPointer.Url;
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await putConfig(defaults);
});

async function putConfig(config: Config): Promise<void> {
  const reply = await h.admin('PUT', '/api/config', config);
  assert.equal(reply.status, 200, reply.text);
}

/** The current config with the given switches on (and any other change); everything else as it is. */
async function turnOn(keys: KnownBugKey[], change: Partial<Config> = {}): Promise<void> {
  const current: Config = (await h.admin('GET', '/api/config')).json();
  await putConfig(keys.reduce((config, key) => withKnownBug(config, key, true), { ...current, ...change }));
}

interface Logged {
  operation: string;
  status: number;
  knownBugs: string[];
  notes: string[];
}

async function lastEntry(): Promise<Logged> {
  return (await h.admin('GET', '/api/log?limit=1')).json().entries[0];
}

/** `detectable`: whether one exchange shows the rule broken (an unknown WopiSrc answered 500 does not: only the host knows it is unknown). */
function assertMarked(entry: Logged, keys: KnownBugKey[], detectable = true): void {
  assert.deepEqual(entry.knownBugs, keys);
  for (const key of keys) assert.ok(entry.notes.includes(knownBugNote(key)), `${key}'s note in ${JSON.stringify(entry.notes)}`);
  if (!detectable) return;
  // The Live log's spec check names the rule each switch is named by, on the very answer it bent.
  const broken = specWarnings(entry as unknown as LogEntry).map((finding) => finding.rule);
  for (const key of keys) {
    const rule = knownBugs.find((bug) => bug.key === key)!.rule;
    assert.ok(broken.includes(rule), `${key} bent the answer, so the spec check reports ${rule}; it reported ${JSON.stringify(broken)}`);
  }
}

function assertUnmarked(entry: Logged): void {
  assert.deepEqual(entry.knownBugs, []);
  assert.deepEqual(
    entry.notes.filter((n) => n.startsWith('Known host bug')),
    [],
  );
}

const bootstrap = () => h.request('GET', '/wopibootstrapper', { headers: bearer(alice) });
const unauthenticated = () => h.request('GET', '/wopibootstrapper');
const shortcut = (operation: string, extra: Record<string, string> = {}) =>
  h.request('POST', '/wopibootstrapper', { headers: { ...bearer(alice), 'x-wopi-ecosystemoperation': operation, ...extra } });
const getNewAccessToken = (wopiSrc?: string) =>
  shortcut('GET_NEW_ACCESS_TOKEN', wopiSrc !== undefined ? { 'x-wopi-wopisrc': wopiSrc } : {});

/** A code exchange, as the Office Identity Service makes it; the answer of the token endpoint. */
async function redeemCode(): Promise<Reply> {
  const authorized = await h.request('POST', '/oauth/authorize', {
    form: { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', user: 'bob' },
  });
  const code = new URL(authorized.header('location')!).searchParams.get('code')!;
  return h.request('POST', '/oauth/token', {
    form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret },
  });
}

interface Case {
  key: KnownBugKey;
  /** Config the case needs besides the switch (the same with the switch off). */
  change?: Partial<Config>;
  /** The request whose answer the switch bends; it is the last one logged. */
  exercise: () => Promise<Reply>;
  bent: (reply: Reply) => void | Promise<void>;
  normal: (reply: Reply) => void | Promise<void>;
}

const cases: Case[] = [
  {
    key: 'accessTokenExpiryInSeconds',
    exercise: () => getNewAccessToken(withoutQuery(fileUrl)),
    bent: (reply) => {
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.json().AccessTokenInfo.AccessTokenExpiry, Math.floor((h.now() + wopiTtlMs) / 1000));
    },
    normal: (reply) => assert.equal(reply.json().AccessTokenInfo.AccessTokenExpiry, h.now() + wopiTtlMs),
  },
  {
    key: 'oauthTokenInEcosystemUrl',
    exercise: bootstrap,
    bent: async (reply) => {
      const { EcosystemUrl } = reply.json().Bootstrap;
      assert.equal(EcosystemUrl, `${h.origin}/wopi/ecosystem?access_token=${encodeURIComponent(alice)}`);
      // As on such a host, the WOPI side refuses the OAuth token.
      assert.equal((await h.request('GET', EcosystemUrl)).status, 401);
    },
    normal: async (reply) => {
      const { EcosystemUrl } = reply.json().Bootstrap;
      assert.equal(withoutQuery(EcosystemUrl), `${h.origin}/wopi/ecosystem`);
      assert.notEqual(tokenOf(EcosystemUrl), alice);
      assert.equal((await h.request('GET', EcosystemUrl)).status, 200);
    },
  },
  {
    key: 'challengeTrailingComma',
    exercise: unauthenticated,
    bent: (reply) => assert.deepEqual(reply.headers['www-authenticate'], [`${expectedChallenge(h.origin)},`]),
    normal: (reply) => assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin)]),
  },
  {
    key: 'challengeLowercaseParameters',
    change: { urlSchemes: schemes },
    exercise: unauthenticated,
    bent: (reply) =>
      assert.deepEqual(reply.headers['www-authenticate'], [
        `Bearer authorization_uri="${h.origin}/oauth/authorize",tokenissuance_uri="${h.origin}/oauth/token",providerid="WopiMockHost",urlschemes="${encodeURIComponent(schemesJson)}"`,
      ]),
    normal: (reply) =>
      assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin, 'WopiMockHost', encodeURIComponent(schemesJson))]),
  },
  {
    key: 'challengeUnencodedUrlSchemes',
    change: { urlSchemes: schemes },
    exercise: unauthenticated,
    bent: (reply) => assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin, 'WopiMockHost', schemesJson)]),
    normal: (reply) =>
      assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin, 'WopiMockHost', encodeURIComponent(schemesJson))]),
  },
  {
    key: 'challengeMissingOn401',
    exercise: unauthenticated,
    bent: (reply) => {
      assert.equal(reply.status, 401);
      assert.equal(reply.headers['www-authenticate'], undefined);
    },
    normal: (reply) => assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin)]),
  },
  {
    key: 'challengeOn200',
    exercise: bootstrap,
    bent: (reply) => {
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.headers['www-authenticate'], [expectedChallenge(h.origin)]);
    },
    normal: (reply) => {
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['www-authenticate'], undefined);
    },
  },
  {
    key: 'missingWopiSrcAnswers500',
    exercise: () => getNewAccessToken(),
    bent: (reply) => {
      assert.equal(reply.status, 500);
      assert.equal(reply.header('x-wopi-servererror'), 'X-WOPI-WopiSrc is missing');
    },
    normal: (reply) => {
      assert.equal(reply.status, 404);
      assert.equal(reply.header('x-wopi-servererror'), 'X-WOPI-WopiSrc is missing');
    },
  },
  {
    key: 'rootContainerAsBootstrap',
    exercise: () => shortcut('GET_ROOT_CONTAINER'),
    bent: (reply) => {
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.json()), ['Bootstrap']);
      assert.equal(reply.json().Bootstrap.UserId, 'alice');
    },
    normal: (reply) => {
      assert.deepEqual(Object.keys(reply.json()), ['Bootstrap', 'RootContainerInfo']);
      assert.equal(withoutQuery(reply.json().RootContainerInfo.ContainerPointer.Url), withoutQuery(rootUrl));
    },
  },
  {
    key: 'checkFileInfoUserIdMismatch',
    exercise: () => h.request('GET', fileUrl),
    bent: (reply) => assert.equal(reply.json().UserId, 'uid-alice'),
    normal: (reply) => assert.equal(reply.json().UserId, 'alice'),
  },
  {
    key: 'childUrlsWithoutTokens',
    exercise: () => h.request('GET', appendPath(rootUrl, '/children')),
    bent: (reply) => {
      const { ChildContainers, ChildFiles } = reply.json();
      assert.deepEqual(
        ChildContainers.map((c: { Url: string }) => c.Url),
        [withoutQuery(folderUrl)],
      );
      assert.ok(ChildFiles.length >= 3);
      for (const file of ChildFiles) assert.match(file.Url, new RegExp(`^${h.origin}/wopi/files/[A-Za-z0-9_-]+$`));
      assert.ok(ChildFiles.some((f: { Url: string }) => f.Url === withoutQuery(fileUrl)));
    },
    normal: (reply) => {
      const { ChildContainers, ChildFiles } = reply.json();
      for (const child of [...ChildContainers, ...ChildFiles]) assert.ok(tokenOf(child.Url).length > 0);
    },
  },
  {
    key: 'tokenResponseCacheable',
    exercise: redeemCode,
    bent: (reply) => {
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.headers['cache-control'], undefined);
      assert.equal(reply.headers['pragma'], undefined);
    },
    normal: (reply) => {
      assert.equal(reply.header('cache-control'), 'no-store');
      assert.equal(reply.header('pragma'), 'no-cache');
    },
  },
  {
    key: 'expiresInAsString',
    exercise: redeemCode,
    bent: (reply) => assert.equal(reply.json().expires_in, '3600'),
    normal: (reply) => assert.equal(reply.json().expires_in, 3600),
  },
  {
    key: 'unknownEcosystemOperation',
    exercise: () => shortcut('SOMETHING_NEW'),
    bent: (reply) => {
      assert.equal(reply.status, 501);
      assert.equal(
        reply.header('x-wopi-servererror'),
        'X-WOPI-EcosystemOperation SOMETHING_NEW is not implemented (compatibility.unknownEcosystemOperation is "notImplemented")',
      );
    },
    normal: (reply) => {
      assert.equal(reply.status, 200);
      assert.equal(reply.json().Bootstrap.UserId, 'alice');
    },
  },
];

describe('known host bugs, one switch at a time', () => {
  test('there is a case for every switch in the table', () => {
    assert.deepEqual(
      cases.map((c) => c.key),
      knownBugs.map((b) => b.key),
    );
  });

  for (const c of cases) {
    test(`${c.key}: off, the spec's answer and no mark; on, the bent answer, marked`, async () => {
      if (c.change) await putConfig({ ...defaults, ...c.change });
      const normal = await c.exercise();
      const unmarked = await lastEntry();
      await c.normal(normal);
      assertUnmarked(unmarked);

      await turnOn([c.key]);
      const bent = await c.exercise();
      const entry = await lastEntry();
      await c.bent(bent);
      assertMarked(entry, [c.key]);
    });
  }
});

describe('known host bugs, in detail', () => {
  test('several challenge switches at once bend one header, and each is marked', async () => {
    await turnOn(['challengeOn200', 'challengeTrailingComma', 'challengeLowercaseParameters']);
    const reply = await bootstrap();
    assert.deepEqual(reply.headers['www-authenticate'], [
      `Bearer authorization_uri="${h.origin}/oauth/authorize",tokenissuance_uri="${h.origin}/oauth/token",providerid="WopiMockHost",`,
    ]);
    assertMarked(await lastEntry(), ['challengeOn200', 'challengeTrailingComma', 'challengeLowercaseParameters']);
  });

  test('the cached challenge follows the switch: on, off and on again', async () => {
    for (const on of [true, false, true]) {
      if (on) await turnOn(['challengeTrailingComma']);
      else await putConfig(defaults);
      assert.deepEqual((await unauthenticated()).headers['www-authenticate'], [expectedChallenge(h.origin) + (on ? ',' : '')]);
    }
  });

  test('the error parameter for a refused token comes before the trailing comma', async () => {
    await turnOn(['challengeTrailingComma'], { compatibility: { ...defaults.compatibility, challengeErrorParameter: true } });
    const reply = await h.request('GET', '/wopibootstrapper', { headers: bearer('not-a-token') });
    assert.deepEqual(reply.headers['www-authenticate'], [`${expectedChallenge(h.origin)},error="invalid_token",`]);
    assertMarked(await lastEntry(), ['challengeTrailingComma']);
    assert.deepEqual((await unauthenticated()).headers['www-authenticate'], [`${expectedChallenge(h.origin)},`]);
  });

  test('unencoded UrlSchemes has no effect, and marks nothing, while no URL schemes are configured', async () => {
    await turnOn(['challengeUnencodedUrlSchemes']);
    assert.deepEqual((await unauthenticated()).headers['www-authenticate'], [expectedChallenge(h.origin)]);
    assertUnmarked(await lastEntry());
  });

  test('a forced 401 on Bootstrap loses its challenge too, and keeps its fault id', async () => {
    await turnOn(['challengeMissingOn401'], { faults: [{ id: 'f-bug', operation: 'Bootstrap', status: 401, remaining: 1 }] });
    const reply = await bootstrap();
    assert.equal(reply.status, 401);
    assert.equal(reply.headers['www-authenticate'], undefined);
    const entry = await lastEntry();
    assertMarked(entry, ['challengeMissingOn401']);
    assert.equal((entry as Logged & { faultId: string }).faultId, 'f-bug');
  });

  test('the shortcuts carry the OAuth token in their Bootstrap object too', async () => {
    await turnOn(['oauthTokenInEcosystemUrl']);
    const expected = `${h.origin}/wopi/ecosystem?access_token=${encodeURIComponent(alice)}`;
    const root = await shortcut('GET_ROOT_CONTAINER');
    assert.equal(root.json().Bootstrap.EcosystemUrl, expected);
    assert.ok(root.json().RootContainerInfo);
    assertMarked(await lastEntry(), ['oauthTokenInEcosystemUrl']);
    assert.equal((await getNewAccessToken(withoutQuery(fileUrl))).json().Bootstrap.EcosystemUrl, expected);
    assertMarked(await lastEntry(), ['oauthTokenInEcosystemUrl']);
  });

  test('an unparseable or unknown WopiSrc answers 500 too', async () => {
    await turnOn(['missingWopiSrcAnswers500']);
    for (const [wopiSrc, reason, detectable] of [
      ['not a url', 'X-WOPI-WopiSrc is not an absolute URL', true],
      [`${h.origin}/wopi/files/nosuchfile`, 'no file nosuchfile that user alice can access', false],
    ] as const) {
      const reply = await getNewAccessToken(wopiSrc);
      assert.equal(reply.status, 500);
      assert.equal(reply.header('x-wopi-servererror'), reason);
      assertMarked(await lastEntry(), ['missingWopiSrcAnswers500'], detectable);
    }
    // A WopiSrc that resolves is not bent.
    assert.equal((await getNewAccessToken(withoutQuery(fileUrl))).status, 200);
    assertUnmarked(await lastEntry());
  });

  test('an empty folder has no child URL to bend, so nothing is marked', async () => {
    await turnOn(['childUrlsWithoutTokens']);
    const reply = await h.request('GET', appendPath(folderUrl, '/children'));
    assert.deepEqual(reply.json(), { ChildContainers: [], ChildFiles: [] });
    assertUnmarked(await lastEntry());
  });

  test('a child URL without a token is refused by the WOPI side, as on such a host', async () => {
    await turnOn(['childUrlsWithoutTokens']);
    const { ChildFiles } = (await h.request('GET', appendPath(rootUrl, '/children'))).json();
    assert.equal((await h.request('GET', ChildFiles[0].Url)).status, 401);
  });

  test('token error answers keep Cache-Control: no-store with tokenResponseCacheable on', async () => {
    await turnOn(['tokenResponseCacheable']);
    const reply = await h.request('POST', '/oauth/token', {
      form: { grant_type: 'authorization_code', code: 'nope', redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret },
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.header('cache-control'), 'no-store');
    assertUnmarked(await lastEntry());
  });
});

describe('known host bugs in the admin API', () => {
  test('GET /api/config lists every switch off by default', () => {
    assert.deepEqual(defaults.knownBugs, {
      accessTokenExpiryInSeconds: false,
      oauthTokenInEcosystemUrl: false,
      challengeTrailingComma: false,
      challengeLowercaseParameters: false,
      challengeUnencodedUrlSchemes: false,
      challengeMissingOn401: false,
      challengeOn200: false,
      missingWopiSrcAnswers500: false,
      rootContainerAsBootstrap: false,
      checkFileInfoUserIdMismatch: false,
      childUrlsWithoutTokens: false,
      tokenResponseCacheable: false,
    });
  });

  test('PUT /api/config refuses a switch that is not a boolean and an unknown switch, with their paths', async () => {
    const reply = await h.admin('PUT', '/api/config', {
      ...defaults,
      knownBugs: { challengeTrailingComma: 'yes', everythingBroken: true },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json(), {
      errors: [
        { path: '$.knownBugs.challengeTrailingComma', message: 'Invalid input: expected boolean, received string' },
        { path: '$.knownBugs', message: 'unknown field: everythingBroken' },
      ],
    });
  });

  test('a partial knownBugs object fills the rest with false', async () => {
    const reply = await h.admin('PUT', '/api/config', { knownBugs: { challengeOn200: true } });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json().config.knownBugs, { ...defaults.knownBugs, challengeOn200: true });
  });

  test('GET /api/challenge previews the bent header and names the switches behind it', async () => {
    await turnOn(['challengeTrailingComma', 'challengeMissingOn401']);
    const preview = (await h.admin('GET', '/api/challenge')).json();
    assert.equal(preview.header, `${expectedChallenge(h.origin)},`);
    assert.deepEqual(preview.knownBugs, ['challengeTrailingComma', 'challengeMissingOn401']);
    await putConfig(defaults);
    assert.deepEqual((await h.admin('GET', '/api/challenge')).json().knownBugs, []);
  });

  test('the HAR export carries _knownBugs on the entries a switch bent', async () => {
    await turnOn(['challengeTrailingComma']);
    await unauthenticated();
    await putConfig(defaults);
    await unauthenticated();
    const entries = (await h.admin('GET', '/api/log/har')).json().log.entries as Array<{ _knownBugs: string[] }>;
    assert.deepEqual(
      entries.slice(-2).map((e) => e._knownBugs),
      [['challengeTrailingComma'], []],
    );
  });
});
