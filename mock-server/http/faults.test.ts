import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  addFault,
  bearer,
  browse,
  clientId,
  clientSecret,
  expectedChallenge,
  startHarness,
  withoutQuery,
  type ChildFile,
  type Harness,
} from '../../test-support/host-fixture.js';
import { chaosDraw } from '../faults/chaos.js';

let h: Harness;
let alice: string;
let bob: string;
let aliceFile: ChildFile;

before(async () => {
  h = await startHarness();
  alice = (await h.signIn('alice')).access_token;
  bob = (await h.signIn('bob')).access_token;
  aliceFile = (await browse(h, alice)).files[0]!;
});
after(async () => {
  await h.close();
});
afterEach(async () => {
  await h.admin('DELETE', '/api/faults');
});

const bootstrapAs = (token: string) => h.request('GET', '/wopibootstrapper', { headers: bearer(token) });
const lastEntries = async (n: number) => (await h.admin('GET', `/api/log?limit=${n}`)).json().entries;

describe('fault rules', () => {
  test('a counted 401 on Bootstrap fires once, with the challenge, and the log names it', async () => {
    const created = await h.admin('POST', '/api/faults', { operation: 'Bootstrap', status: 401, remaining: 1 });
    assert.equal(created.status, 201);
    const rule = created.json();
    assert.match(rule.id, /^f-[0-9a-f]{8}$/);
    assert.deepEqual(rule, {
      operation: 'Bootstrap',
      status: 401,
      remaining: 1,
      id: rule.id,
      explanation: 'Answer 401 on Bootstrap, for the next request',
      warnings: [],
    });
    assert.equal(created.header('location'), `/api/faults/${rule.id}`);
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, [
      { operation: 'Bootstrap', status: 401, remaining: 1, id: rule.id, explanation: rule.explanation },
    ]);

    const forced = await bootstrapAs(alice);
    assert.equal(forced.status, 401);
    assert.deepEqual(forced.headers['www-authenticate'], [expectedChallenge(h.origin)]);
    const normal = await bootstrapAs(alice);
    assert.equal(normal.status, 200);
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, []);

    const [first, second] = await lastEntries(2);
    assert.deepEqual([first.operation, first.status, first.faultId, first.userId], ['Bootstrap', 401, rule.id, 'alice']);
    assert.deepEqual([second.operation, second.status, second.faultId, second.userId], ['Bootstrap', 200, null, 'alice']);
  });

  test('404 on GetNewAccessToken, whatever the WopiSrc', async () => {
    await addFault(h, { operation: 'GetNewAccessToken', status: 404 });
    const reply = await h.request('POST', '/wopibootstrapper', {
      headers: { ...bearer(alice), 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': withoutQuery(aliceFile.Url) },
    });
    assert.equal(reply.status, 404);
    assert.equal(reply.headers['www-authenticate'], undefined);
    // Plain Bootstrap is another operation and is untouched.
    assert.equal((await bootstrapAs(alice)).status, 200);
  });

  test('500 on Token answers RFC 6749 server_error JSON', async () => {
    const rule = await addFault(h, { operation: 'Token', status: 500, remaining: 1 });
    const reply = await h.request('POST', '/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId, client_secret: clientSecret },
    });
    assert.equal(reply.status, 500);
    assert.match(reply.header('content-type')!, /^application\/json(;|$)/);
    assert.equal(reply.header('cache-control'), 'no-store');
    assert.deepEqual(reply.json(), {
      error: 'server_error',
      error_description: `forced by fault rule ${rule.id}: Answer 500 on Token, for the next request`,
    });
    const [entry] = await lastEntries(1);
    assert.deepEqual(entry.notes, [`forced by fault rule ${rule.id}: Answer 500 on Token, for the next request`]);
    // Spent: the next token request is handled for real.
    assert.equal((await h.signIn('alice')).expires_in, 3600);
  });

  test('delayMs holds the request at least that long, then lets it through', async () => {
    await addFault(h, { operation: 'CheckFileInfo', delayMs: 300 });
    const started = performance.now();
    const reply = await h.request('GET', aliceFile.Url);
    const elapsed = performance.now() - started;
    assert.equal(reply.status, 200);
    assert.equal(reply.json().BaseFileName, aliceFile.Name);
    assert.ok(elapsed >= 300, `answered after ${elapsed} ms`);
    const [entry] = await lastEntries(1);
    // Node timers run on a millisecond-truncated loop clock, so the server's own measure may be
    // up to 1 ms short of the delay; the client's measure above also covers the handshake.
    assert.ok(entry.durationMs >= 299, `logged ${entry.durationMs} ms`);
    assert.equal(entry.faultId, (await h.admin('GET', '/api/faults')).json().faults[0].id);
  });

  test('delayMs with a status waits, then answers the status', async () => {
    await addFault(h, { operation: 'GetFile', delayMs: 200, status: 503 });
    const started = performance.now();
    const reply = await h.request('GET', `${withoutQuery(aliceFile.Url)}/contents${new URL(aliceFile.Url).search}`);
    assert.ok(performance.now() - started >= 200);
    assert.equal(reply.status, 503);
  });

  test('dropConnection closes the socket without an answer', async () => {
    const rule = await addFault(h, { operation: 'GetFile', dropConnection: true, remaining: 1 });
    const contents = `${withoutQuery(aliceFile.Url)}/contents${new URL(aliceFile.Url).search}`;
    await assert.rejects(h.request('GET', contents), (error: NodeJS.ErrnoException) => {
      assert.ok(error.code === 'ECONNRESET' || /socket hang up/.test(error.message), String(error));
      return true;
    });
    const [entry] = await lastEntries(1);
    assert.deepEqual([entry.operation, entry.status, entry.aborted, entry.faultId], ['GetFile', 0, true, rule.id]);
    assert.equal((await h.request('GET', contents)).status, 200);
  });

  test('a userId rule fires only for that user', async () => {
    await addFault(h, { operation: 'Bootstrap', userId: 'bob', status: 503 });
    assert.equal((await bootstrapAs(alice)).status, 200);
    assert.equal((await bootstrapAs(bob)).status, 503);
    assert.equal((await bootstrapAs(alice)).status, 200);
    assert.equal((await h.request('GET', '/wopibootstrapper')).status, 401);
  });

  test('a method rule fires only for that method', async () => {
    await addFault(h, { operation: 'Bootstrap', method: 'POST', status: 500 });
    assert.equal((await bootstrapAs(alice)).status, 200);
    assert.equal((await h.request('POST', '/wopibootstrapper', { headers: bearer(alice) })).status, 500);
  });

  test('operation "*" hits every operation, authenticated or not', async () => {
    await addFault(h, { operation: '*', status: 503, remaining: 4 });
    assert.equal((await bootstrapAs(alice)).status, 503);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 503);
    assert.equal((await h.request('GET', '/oauth/authorize?client_id=office-mobile')).status, 503);
    assert.equal((await h.request('GET', '/ca.crt')).status, 503);
    assert.equal((await h.request('GET', '/ca.crt')).status, 200);
  });

  test('429 and 503 carry Retry-After, in seconds or as an HTTP date, and the log says which rule sent it', async () => {
    const throttle = await addFault(h, { operation: 'CheckFileInfo', status: 429, retryAfter: 30, remaining: 1 });
    assert.equal(throttle.explanation, 'Answer 429 with Retry-After 30 on CheckFileInfo, for the next request');
    const throttled = await h.request('GET', aliceFile.Url);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.header('retry-after'), '30');
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    await addFault(h, { operation: 'Bootstrap', status: 503, retryAfter: date, remaining: 1 });
    const down = await bootstrapAs(alice);
    assert.equal(down.status, 503);
    assert.equal(down.header('retry-after'), date);
    const [entry] = await lastEntries(1);
    assert.ok(
      entry.notes.some((n: string) => n.includes(`Answer 503 with Retry-After ${date} on Bootstrap`)),
      entry.notes.join('\n'),
    );
    const after = await h.request('GET', aliceFile.Url);
    assert.equal(after.status, 200);
    assert.equal(after.header('retry-after'), undefined);
  });

  test('seeded chaos: the same seed answers the same requests the same way, in order, and the log names the draw', async () => {
    const run = async (seed: number) => {
      const rule = await addFault(h, { id: 'chaos', operation: 'CheckFileInfo', status: 503, probability: 0.3, seed });
      assert.equal(rule.explanation, `Answer 503 on CheckFileInfo, 30% of the time (seed ${seed}), until removed`);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await h.request('GET', aliceFile.Url)).status);
      await h.admin('DELETE', '/api/faults/chaos');
      return statuses;
    };
    const first = await run(12345);
    const expected = Array.from({ length: 40 }, (_, i) => (chaosDraw(12345, i + 1) < 0.3 ? 503 : 200));
    assert.deepEqual(first, expected);
    assert.ok(first.includes(503) && first.includes(200), first.join(' '));
    assert.deepEqual(await run(12345), first, 're-added with the same seed, the run repeats exactly');
    assert.notDeepEqual(await run(999), first, 'another seed hits other requests');
    const firstHit = expected.indexOf(503) + 1;
    await addFault(h, { id: 'chaos', operation: 'CheckFileInfo', status: 503, probability: 0.3, seed: 12345 });
    for (let i = 0; i < firstHit; i++) await h.request('GET', aliceFile.Url);
    const [entry] = await lastEntries(1);
    assert.equal(entry.faultId, 'chaos');
    assert.ok(entry.notes.includes(`chaos: draw ${firstHit} of seed 12345 hit (probability 0.3)`), entry.notes.join('\n'));
  });

  test('chaos: a miss lets later rules fire, remaining counts hits only, and a rule without a seed is given one', async () => {
    const unseeded = await addFault(h, { operation: 'Bootstrap', status: 500, probability: 1 });
    assert.equal(typeof unseeded.seed, 'number');
    assert.ok(String(unseeded.explanation).includes(`100% of the time (seed ${String(unseeded.seed)})`), String(unseeded.explanation));
    await h.admin('DELETE', '/api/faults');
    // A seed whose first draw misses p = 0.1, so the second rule answers.
    const seed = [...Array(1000).keys()].find((s) => chaosDraw(s, 1) >= 0.1 && chaosDraw(s, 2) < 0.1)!;
    await addFault(h, { id: 'rare', operation: 'CheckFileInfo', status: 503, probability: 0.1, seed, remaining: 1 });
    await addFault(h, { id: 'always', operation: 'CheckFileInfo', status: 429 });
    assert.equal((await h.request('GET', aliceFile.Url)).status, 429, 'draw 1 misses: the next rule fires');
    assert.equal((await h.request('GET', aliceFile.Url)).status, 503, 'draw 2 hits');
    const left = (await h.admin('GET', '/api/faults')).json().faults.map((f: { id: string }) => f.id);
    assert.deepEqual(left, ['always'], 'the counted chaos rule is gone after its one hit, not after its miss');
  });

  test('exceptOperations leaves the named operations alone while "*" hits the rest', async () => {
    const rule = await addFault(h, { operation: '*', exceptOperations: ['Authorize', 'Token'], status: 503, retryAfter: 120 });
    assert.equal(rule.explanation, 'Answer 503 with Retry-After 120 on every operation except Authorize, Token, until removed');
    assert.equal((await h.request('GET', '/oauth/authorize?client_id=office-mobile')).status, 200);
    assert.equal((await bootstrapAs(alice)).status, 503);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 503);
  });

  test('remaining counts down in GET /api/faults and the rule removes itself at zero', async () => {
    const rule = await addFault(h, { operation: 'CheckFileInfo', status: 500, remaining: 3 });
    const remaining = async () =>
      (await h.admin('GET', '/api/faults'))
        .json()
        .faults.map((f: { id: string; remaining: number; explanation: string }) => [f.id, f.remaining, f.explanation]);
    assert.deepEqual(await remaining(), [[rule.id, 3, 'Answer 500 on CheckFileInfo, for the next 3 requests']]);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 500);
    assert.deepEqual(await remaining(), [[rule.id, 2, 'Answer 500 on CheckFileInfo, for the next 2 requests']]);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 500);
    assert.deepEqual(await remaining(), [[rule.id, 1, 'Answer 500 on CheckFileInfo, for the next request']]);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 500);
    assert.deepEqual(await remaining(), []);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 200);
  });

  test('the first matching rule wins, in list order', async () => {
    const first = await addFault(h, { operation: 'Bootstrap', status: 502 });
    await addFault(h, { operation: '*', status: 503 });
    assert.equal((await bootstrapAs(alice)).status, 502);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 503);
    assert.equal((await lastEntries(2))[0].faultId, first.id);
  });

  test('DELETE /api/faults/:id removes one rule; DELETE /api/faults removes all', async () => {
    const one = await addFault(h, { operation: 'Bootstrap', status: 500 });
    const two = await addFault(h, { operation: 'CheckFileInfo', status: 500 });
    const three = await addFault(h, { operation: 'GetFile', status: 500 });
    const removed = await h.admin('DELETE', `/api/faults/${one.id}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.equal((await bootstrapAs(alice)).status, 200);
    assert.deepEqual(
      (await h.admin('GET', '/api/faults')).json().faults.map((f: { id: string }) => f.id),
      [two.id, three.id],
    );
    const again = await h.admin('DELETE', `/api/faults/${one.id}`);
    assert.equal(again.status, 404);
    assert.deepEqual(again.json(), { errors: [{ path: '$', message: `no fault rule with id "${one.id}"` }] });

    const cleared = await h.admin('DELETE', '/api/faults');
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.json(), { removed: 2 });
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, []);
    assert.equal((await h.request('GET', aliceFile.Url)).status, 200);
    assert.deepEqual((await h.admin('DELETE', '/api/faults')).json(), { removed: 0 });
  });

  test('invalid rules are refused with the path of the problem', async () => {
    const refuse = async (rule: unknown, errors: Array<{ path: string; message: RegExp }>) => {
      const reply = await h.admin('POST', '/api/faults', rule);
      assert.equal(reply.status, 400, JSON.stringify(rule));
      const body = reply.json();
      assert.deepEqual(
        body.errors.map((e: { path: string }) => e.path),
        errors.map((e) => e.path),
      );
      body.errors.forEach((e: { message: string }, i: number) => assert.match(e.message, errors[i]!.message));
    };
    await refuse({ operation: 'Bootstrap' }, [{ path: '$', message: /at least one of status, delayMs, dropConnection, body or patch/ }]);
    await refuse({ operation: 'Bootstrap', retryAfter: 5 }, [
      { path: '$', message: /at least one of/ },
      { path: '$.retryAfter', message: /goes with a forced status/ },
    ]);
    await refuse({ operation: 'Bootstrap', status: 503, retryAfter: 'tomorrow' }, [{ path: '$.retryAfter', message: /HTTP date/ }]);
    await refuse({ operation: 'Bootstrap', status: 503, exceptOperations: ['Authorize'] }, [
      { path: '$.exceptOperations', message: /goes with operation "\*"/ },
    ]);
    await refuse({ operation: '*', status: 503, exceptOperations: ['Nope'] }, [{ path: '$.exceptOperations[0]', message: /./ }]);
    await refuse({ operation: 'Bootstrap', status: 503, body: { kind: 'empty200' } }, [
      { path: '$.body', message: /^body "empty200" answers 200 itself, so it cannot go with status$/ },
    ]);
    await refuse({ operation: 'Bootstrap', status: 500, seed: 1 }, [{ path: '$.seed', message: /goes with probability/ }]);
    await refuse({ operation: 'Bootstrap', status: 500, probability: 0 }, [{ path: '$.probability', message: /more than 0/ }]);
    await refuse({ operation: 'Frobnicate', status: 500 }, [{ path: '$.operation', message: /must be "\*" or one of/ }]);
    await refuse({ operation: 'Bootstrap', status: 700 }, [{ path: '$.status', message: /./ }]);
    await refuse({ operation: 'Bootstrap', dropConnection: true, status: 500 }, [
      { path: '$.status', message: /cannot also send a status/ },
    ]);
    await refuse({ operation: 'Bootstrap', status: 500, extra: 1 }, [{ path: '$', message: /extra/ }]);
    const kept = await addFault(h, { id: 'mine', operation: 'Bootstrap', status: 500 });
    assert.equal(kept.id, 'mine');
    await refuse({ id: 'mine', operation: 'Bootstrap', status: 500 }, [{ path: '$.id', message: /exists already/ }]);
    assert.deepEqual(
      (await h.admin('GET', '/api/faults')).json().faults.map((f: { id: string }) => f.id),
      ['mine'],
    );
  });

  test('a countdown that races an admin change is neither undone in memory nor lost on disk', async () => {
    const summary = (faults: Array<{ id: string; remaining?: number }>) => faults.map((f) => `${f.id}:${f.remaining ?? '-'}`);
    // The race needs a request to count down while the admin command is persisting; staggering
    // the request over a few ms makes most rounds hit it (without the fix, nearly every run fails).
    for (let round = 0; round < 20; round++) {
      await h.admin('DELETE', '/api/faults');
      await addFault(h, { id: 'counted', operation: 'CheckFileInfo', status: 500, remaining: 2 });
      const [forced, added] = await Promise.all([
        new Promise((resolve) => setTimeout(resolve, round % 5)).then(() => h.request('GET', aliceFile.Url)),
        h.admin('POST', '/api/faults', { id: `added-${round}`, operation: 'GetFile', status: 500 }),
      ]);
      assert.equal(forced.status, 500);
      assert.equal(added.status, 201);
      const expected = ['counted:1', `added-${round}:-`];
      assert.deepEqual(summary((await h.admin('GET', '/api/faults')).json().faults), expected, `round ${round}: memory`);
      await h.engine.store.flush();
      const persisted = JSON.parse(await readFile(path.join(h.dataDir, 'state.json'), 'utf8'));
      assert.deepEqual(summary(persisted.config.faults), expected, `round ${round}: disk`);
    }
  });

  test('a rule for a user who does not exist yet is accepted with a warning', async () => {
    const rule = await addFault(h, { operation: 'Bootstrap', userId: 'carol', status: 500 });
    assert.deepEqual(rule.warnings, [{ path: '$.userId', message: 'no mock user has id "carol" yet; the rule fires once one does' }]);
    assert.equal((await bootstrapAs(alice)).status, 200);
  });
});
