import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerActivity, parseActivities } from './activities.js';

// The body of the validator's files.AddActivitiesCommentAndPerson, as it sends it.
const validatorSample = `{ "Activities": [
  {
    "Type": "comment",
    "Id": "00000009-0000-0000-0000-000000000000",
    "Created": "2017-02-15T13:47:13000000Z",
    "Data": { "ContentId": "cid123", "ContentAction": "created" },
    "People": [ { "Name": "John Able", "Id": "111", "Provider": "wopi-contoso", "Mentioned": true } ]
  }
] }`;

test("the validator's sample: one comment, kept with every property as sent", () => {
  const parsed = parseActivities(validatorSample);
  assert.ok(parsed.ok);
  assert.equal(parsed.activities.length, 1);
  const [activity] = parsed.activities;
  assert.equal(activity!.id, '00000009-0000-0000-0000-000000000000');
  assert.equal(activity!.type, 'comment');
  assert.deepEqual(activity!.body, JSON.parse(validatorSample).Activities[0]);
  assert.deepEqual(answerActivity(activity!), {
    Id: '00000009-0000-0000-0000-000000000000',
    Status: 0,
    Message: 'comment created (ContentId cid123) received',
  });
});

test('answers: unknown types are Status 3 with or without Data; the type is matched case-insensitively; long ContentIds are cut in the message', () => {
  const answers = (json: unknown) => {
    const parsed = parseActivities(JSON.stringify(json));
    assert.ok(parsed.ok, JSON.stringify(parsed));
    return parsed.activities.map(answerActivity);
  };
  assert.deepEqual(
    answers({
      Activities: [
        { Type: 'unsupported', Id: 'A' },
        { Type: 'Comment', Id: 'B', Data: { ContentId: 'x'.repeat(41), ContentAction: 'updated' } },
        { Type: 'mention', Id: 'C', Data: 7 },
      ],
    }),
    [
      { Id: 'A', Status: 3, Message: 'activity type "unsupported" is not supported (this host keeps comment)' },
      { Id: 'B', Status: 0, Message: `Comment updated (ContentId ${'x'.repeat(40)}…) received` },
      { Id: 'C', Status: 3, Message: 'activity type "mention" is not supported (this host keeps comment)' },
    ],
  );
  assert.deepEqual(answers({ Activities: [] }), []);
});

test('bodies refused whole, each with its reason', () => {
  const table: Array<[string, string]> = [
    ['', 'the body is not JSON (Unexpected end of JSON input)'],
    ['null', 'the body must be a JSON object with an "Activities" array'],
    ['{"Activities": {}}', 'the body must be a JSON object with an "Activities" array'],
    ['{"Activities": [null]}', 'Activities[0] is not an object'],
    ['{"Activities": [{"Type": "comment", "Id": "  "}]}', 'Activities[0].Id must be a non-empty string'],
    [`{"Activities": [{"Type": "x", "Id": "${'i'.repeat(1025)}"}]}`, 'Activities[0].Id is longer than 1024 characters'],
    ['{"Activities": [{"Id": "a", "Type": 3}]}', 'Activities[0].Type must be a non-empty string'],
    [
      '{"Activities": [{"Id": "a", "Type": "comment", "Data": {"ContentId": "c", "ContentAction": ""}}]}',
      'Activities[0] is a comment without Data.ContentId and Data.ContentAction',
    ],
    ['{"Activities": [{"Id": "a", "Type": "comment"}]}', 'Activities[0] is a comment without Data.ContentId and Data.ContentAction'],
    [
      JSON.stringify({ Activities: Array.from({ length: 101 }, (_, i) => ({ Id: String(i), Type: 'x' })) }),
      'at most 100 activities per request, not 101',
    ],
  ];
  for (const [body, reason] of table) assert.deepEqual(parseActivities(body), { ok: false, reason }, body.slice(0, 60));
});
