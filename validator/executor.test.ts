import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeTestCase, executeWithPrerequisites, type ExecutionContext } from './executor.js';
import { Transport } from './http.js';
import type { RequestDefinition, TestCaseDefinition, ValidatorDefinition } from './model.js';
import { Resources } from './resources.js';
import { Schemas } from './schemas.js';

/**
 * The executor against a scripted HTTP server that plays a WOPI host: it records what arrives, so
 * the tests see the exact requests and the order the validator's rules produce.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let origin: string;
const seen: Seen[] = [];
let answer: (req: Seen) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 200 });

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(request);
      const { status, headers = {}, body = '' } = answer(request);
      res.writeHead(status, { 'Content-Length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function context(userAgent?: string): ExecutionContext {
  return {
    transport: new Transport({ timeoutMs: 5000 }),
    target: { wopiSrc: `${origin}/wopi/files/F1`, accessToken: 'tok', accessTokenTtl: 5 },
    resources: new Resources([{ id: 'Doc', name: 'Doc.docx', filePath: 'R\\Doc.docx' }]),
    schemas: Schemas.fromObjects({}),
    userAgent,
  };
}
const request = (
  operation: string,
  attributes: Record<string, string> = {},
  extra: Partial<RequestDefinition> = {},
): RequestDefinition => ({
  operation,
  attributes,
  validators: null,
  stateSavers: [],
  mutators: [],
  requestBody: undefined,
  ...extra,
});
const testCase = (requests: RequestDefinition[], cleanupRequests: RequestDefinition[] = [], name = 'T'): TestCaseDefinition => ({
  name,
  category: 'WopiCore',
  description: '',
  failMessage: undefined,
  requests,
  cleanupRequests,
});
const code = (expectedCode: number): ValidatorDefinition => ({ kind: 'ResponseCode', expectedCode });

describe('executeTestCase', () => {
  test('sends requests in order with the saved URL, token, lock and User-Agent; passes', async () => {
    seen.length = 0;
    answer = (r) =>
      r.url.includes('/ancestry')
        ? {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ AncestorsWithRootFirst: [{ Url: `${origin}/wopi/containers/C1?access_token=ctok` }] }),
          }
        : { status: 200 };
    const outcome = await executeTestCase(
      testCase([
        request(
          'EnumerateAncestors',
          {},
          { stateSavers: [{ name: 'ParentContainerUrl', source: 'AncestorsWithRootFirst[-1:].Url', sourceType: 'JsonBody' }] },
        ),
        request('CheckContainerInfo', { OverrideUrl: '$State:ParentContainerUrl' }),
        request('PutFile', { Lock: 'L', ResourceId: 'Doc' }),
      ]),
      context('Microsoft Office WOPI Validator/1.0'),
    );
    assert.deepEqual(
      { passed: outcome.passed, message: outcome.message, errors: outcome.errors },
      { passed: true, message: undefined, errors: [] },
    );
    assert.deepEqual(
      seen.map((s) => [
        s.method,
        s.url,
        s.headers['authorization'],
        s.headers['x-wopi-override'],
        s.headers['x-wopi-lock'],
        s.headers['user-agent'],
        s.headers['content-length'],
        s.body,
      ]),
      [
        [
          'GET',
          '/wopi/files/F1/ancestry?access_token=tok&access_token_ttl=5',
          'Bearer tok',
          undefined,
          undefined,
          'Microsoft Office WOPI Validator/1.0',
          undefined,
          '',
        ],
        [
          'GET',
          '/wopi/containers/C1?access_token=ctok',
          'Bearer ctok',
          undefined,
          undefined,
          'Microsoft Office WOPI Validator/1.0',
          undefined,
          '',
        ],
        [
          'POST',
          '/wopi/files/F1/contents?access_token=tok&access_token_ttl=5',
          'Bearer tok',
          'PUT',
          'L',
          'Microsoft Office WOPI Validator/1.0',
          '21',
          'DocR\\Doc.docxDoc.docx',
        ],
      ],
    );
  });

  test('the first failing request ends the test, its state is not saved, cleanup still runs', async () => {
    seen.length = 0;
    answer = (r) =>
      r.headers['x-wopi-override'] === 'LOCK'
        ? { status: 409, headers: { 'X-WOPI-Lock': 'Other' }, body: '{"Url":"https://x/saved"}' }
        : { status: 200 };
    const outcome = await executeTestCase(
      testCase(
        [
          request('Lock', { Lock: 'L' }, { stateSavers: [{ name: 'NewUrl', source: 'Url', sourceType: 'JsonBody' }] }),
          request('Unlock', { Lock: 'L' }),
        ],
        [request('DeleteFile', { OverrideUrl: '$State:NewUrl' }), request('Unlock', { Lock: 'L' })],
      ),
      context(),
    );
    assert.equal(outcome.passed, false);
    assert.equal(outcome.message, 'Lock request failed.');
    assert.deepEqual(outcome.errors, ['Incorrect StatusCode. Expected: 200, Actual: 409']);
    assert.deepEqual(
      outcome.requests.map((r) => [r.operation, r.cleanup, r.response?.status ?? null, r.errors]),
      [
        ['Lock', false, 409, ['Incorrect StatusCode. Expected: 200, Actual: 409']],
        [
          'DeleteFile',
          true,
          null,
          [
            'OverrideUrl specified in definition but not found in state dictionary.  Did it depend on a request that failed? ($State:NewUrl)',
          ],
        ],
        ['Unlock', true, 200, []],
      ],
    );
    assert.deepEqual(
      seen.map((s) => s.headers['x-wopi-override']),
      ['LOCK', 'UNLOCK'],
    );
    assert.equal(seen[0]!.headers['user-agent'], undefined);
  });

  test('declared validators replace the 200 check; FailMessage names the failure', async () => {
    answer = () => ({ status: 404 });
    const passes = await executeTestCase(
      testCase([request('CheckFileInfo', {}, { validators: [{ kind: 'Or', validators: [code(401), code(404)] }] })]),
      context(),
    );
    assert.equal(passes.passed, true);
    const failing = { ...testCase([request('CheckFileInfo')]), failMessage: 'The host must answer.' };
    const outcome = await executeTestCase(failing, context());
    assert.deepEqual([outcome.message, outcome.errors], ['The host must answer.', ['Incorrect StatusCode. Expected: 200, Actual: 404']]);
  });

  test('a host that does not answer gives the validator 306 and its reason', async () => {
    const closed = { ...context(), target: { wopiSrc: 'http://127.0.0.1:1/wopi/files/F1', accessToken: 'tok', accessTokenTtl: 0 } };
    const outcome = await executeTestCase(testCase([request('CheckFileInfo', {}, { validators: [code(200)] })]), closed);
    assert.equal(outcome.requests[0]!.response!.status, 306);
    assert.match(outcome.errors[0]!, /^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    assert.equal(outcome.errors[1], 'Incorrect StatusCode. Expected: 200, Actual: 306');
  });
});

test('executeWithPrerequisites: a failing prerequisite stops the test before its requests', async () => {
  seen.length = 0;
  answer = (r) => ({
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: r.url.startsWith('/wopi/files/F1?') ? '{"SupportsLocks":false}' : '',
  });
  const prerequisite = testCase(
    [
      request(
        'CheckFileInfo',
        {},
        {
          validators: [
            {
              kind: 'JsonResponseContent',
              shouldExist: true,
              properties: [
                {
                  kind: 'BooleanProperty',
                  name: 'SupportsLocks',
                  isRequired: true,
                  expectedValue: 'true',
                  expectedStateKey: undefined,
                  endsWith: undefined,
                  shouldMatch: true,
                  mustIncludeAccessToken: false,
                  ignoreCase: false,
                },
              ],
            },
          ],
        },
      ),
    ],
    [],
    'LocksPrereq',
  );
  const outcome = await executeWithPrerequisites(testCase([request('Lock', { Lock: 'L' })]), [prerequisite], context());
  assert.equal(outcome.passed, false);
  assert.equal(outcome.prerequisite, 'LocksPrereq');
  assert.deepEqual(outcome.errors, [`Incorrect value for 'SupportsLocks' property. Expected: 'True', Actual: 'False'`]);
  assert.deepEqual(
    seen.map((s) => s.method),
    ['GET'],
  );
});
