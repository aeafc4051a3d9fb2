import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { browse, startHarness, withoutQuery, type Harness } from '../../test-support/host-fixture.js';
import { newFile, override } from '../../test-support/file-fixture.js';

let h: Harness;
let aliceRoot: string;

before(async () => {
  h = await startHarness();
  aliceRoot = (await browse(h, (await h.signIn('alice')).access_token)).rootUrl;
});
after(async () => {
  await h.close();
});

const idOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!);
const addActivities = (url: string, body: unknown) =>
  override(h, url, 'ADD_ACTIVITIES', { 'content-type': 'application/json' }, typeof body === 'string' ? body : JSON.stringify(body));
const comment = (id: string, action = 'created', extra: Record<string, unknown> = {}) => ({
  Type: 'comment',
  Id: id,
  Timestamp: '2017-03-15T13:47:13000000Z',
  Data: { ContentId: 'cid123', ContentAction: action },
  ...extra,
});

describe('AddActivities', () => {
  test('answers each activity in order: comments are kept (0), other types are not supported (3)', async () => {
    const { url } = await newFile(h, aliceRoot);
    const unknown = { Type: 'unsupported', Id: '0000000e-0000-0000-0000-000000000000', Created: '2017-02-15T13:47:13000000Z' };
    const reply = await addActivities(url, {
      Activities: [
        comment('00000002-ABCD-ABCD-ABCD-ABCDEFABCDEF'),
        unknown,
        comment('00000007-0000-0000-0000-000000000000', 'deleted', { BonusTopLevelProperty: 'future' }),
      ],
    });
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.header('content-type')!, /^application\/json/);
    assert.deepEqual(reply.json(), {
      ActivityResponses: [
        { Id: '00000002-ABCD-ABCD-ABCD-ABCDEFABCDEF', Status: 0, Message: 'comment created (ContentId cid123) received' },
        {
          Id: '0000000e-0000-0000-0000-000000000000',
          Status: 3,
          Message: 'activity type "unsupported" is not supported (this host keeps comment)',
        },
        { Id: '00000007-0000-0000-0000-000000000000', Status: 0, Message: 'comment deleted (ContentId cid123) received' },
      ],
    });
  });

  test('a body it cannot answer activity by activity is a 400 saying why, and nothing is kept', async () => {
    const { url } = await newFile(h, aliceRoot);
    const cases: Array<[unknown, string]> = [
      ['{"Activities": [', 'AddActivities: the body is not JSON (Unexpected end of JSON input)'],
      [{ activities: [] }, 'AddActivities: the body must be a JSON object with an "Activities" array'],
      [[comment('a')], 'AddActivities: the body must be a JSON object with an "Activities" array'],
      [{ Activities: [comment('a'), 'b'] }, 'AddActivities: Activities[1] is not an object'],
      [{ Activities: [{ Type: 'comment', Data: {} }] }, 'AddActivities: Activities[0].Id must be a non-empty string'],
      [{ Activities: [{ Id: 'x' }] }, 'AddActivities: Activities[0].Type must be a non-empty string'],
      [
        { Activities: [{ Id: 'x', Type: 'comment', Data: { ContentId: 'c' } }] },
        'AddActivities: Activities[0] is a comment without Data.ContentId and Data.ContentAction',
      ],
      [
        { Activities: Array.from({ length: 101 }, (_, i) => comment(String(i))) },
        'AddActivities: at most 100 activities per request, not 101',
      ],
    ];
    for (const [body, reason] of cases) {
      const reply = await addActivities(url, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.header('x-wopi-servererror'), reason);
    }
    assert.deepEqual((await h.admin('GET', `/api/files/${encodeURIComponent(idOf(url))}/activities`)).json(), {
      fileId: idOf(url),
      activities: [],
    });
  });

  test('a body over 256 KiB is a 413; a bad token a 401; a missing file a 404', async () => {
    const { url } = await newFile(h, aliceRoot);
    const big = await addActivities(url, JSON.stringify({ Activities: [comment('a', 'created', { Padding: 'x'.repeat(256 * 1024) })] }));
    assert.equal(big.status, 413);
    assert.equal((await addActivities(`${withoutQuery(url)}?access_token=garbage`, { Activities: [] })).status, 401);
    assert.equal((await override(h, url, 'DELETE')).status, 200);
    assert.equal((await addActivities(url, { Activities: [comment('a')] })).status, 404);
  });

  test('what arrived is kept per file (newest 100) for GET /api/files/:id/activities, and noted in the log', async () => {
    const { url } = await newFile(h, aliceRoot);
    const first = comment('00000001-0000-0000-0000-000000000000', 'created', {
      People: [{ Name: 'John Able', Id: '111', Provider: 'wopi-contoso', Mentioned: true }],
    });
    assert.equal((await addActivities(url, { Activities: [first, { Type: 'like', Id: 'L1' }] })).status, 200);
    const log = (await h.admin('GET', '/api/log?limit=1')).json().entries[0];
    assert.equal(log.operation, 'AddActivities');
    assert.equal(log.userId, 'alice');
    assert.deepEqual(log.notes, [
      'activity 00000001-0000-0000-0000-000000000000: Status 0, comment created (ContentId cid123) received',
      'activity L1: Status 3, activity type "like" is not supported (this host keeps comment)',
    ]);

    const kept = await h.admin('GET', `/api/files/${encodeURIComponent(idOf(url))}/activities`);
    assert.equal(kept.status, 200);
    const receivedAt = new Date(h.now()).toISOString();
    assert.deepEqual(kept.json(), {
      fileId: idOf(url),
      activities: [
        {
          receivedAt,
          userId: 'alice',
          id: '00000001-0000-0000-0000-000000000000',
          type: 'comment',
          status: 0,
          message: 'comment created (ContentId cid123) received',
          activity: first,
        },
        {
          receivedAt,
          userId: 'alice',
          id: 'L1',
          type: 'like',
          status: 3,
          message: 'activity type "like" is not supported (this host keeps comment)',
          activity: { Type: 'like', Id: 'L1' },
        },
      ],
    });

    assert.equal((await addActivities(url, { Activities: Array.from({ length: 99 }, (_, i) => comment(`bulk-${i}`)) })).status, 200);
    const bounded = (await h.admin('GET', `/api/files/${encodeURIComponent(idOf(url))}/activities`)).json().activities as Array<{
      id: string;
    }>;
    assert.equal(bounded.length, 100);
    assert.deepEqual([bounded[0]!.id, bounded[99]!.id], ['L1', 'bulk-98']);

    // A deleted file takes its activities with it.
    assert.equal((await override(h, url, 'DELETE')).status, 200);
    const gone = await h.admin('GET', `/api/files/${encodeURIComponent(idOf(url))}/activities`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json(), { errors: [{ path: '$', message: `no file ${idOf(url)}` }] });
  });
});
