import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appendPath, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot } from '../../test-support/file-fixture.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { newContainer, newFileIn, pathOf, serverErrorOf, useLongTokenLifetimes, type Created } from '../../test-support/file-surface.js';
import { utf8Bytes } from '../../test-support/arbitraries.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * Model-based test of the WOPI lock state machine. fast-check draws random sequences of Lock,
 * GetLock, RefreshLock, Unlock, UnlockAndRelock, PutFile, RenameFile, GetFile and CheckFileInfo
 * (with valid, invalid and mismatching lock ids) and moves the frozen clock across the 30-minute
 * lock expiry; a reference model written from the WOPI docs predicts every answer. At each step
 * the host's status, X-WOPI-Lock (present exactly when the spec says, with the exact id),
 * X-WOPI-LockFailureReason, X-WOPI-ItemVersion, content, size, version and name must equal the
 * model's. Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/concepts#lock
 */

const lockLifetimeMs = 30 * 60 * 1000;
const maxLockLength = 1024;

interface Model {
  lock: { id: string; expiresAt: number } | null;
  content: Buffer;
  version: number;
  base: string;
  now: number;
}

interface Real {
  wire: Wire;
  h: Harness;
  file: Created;
  contents: string;
}

/** Lock ids as a client sends them. Node trims SP/HTAB at the ends of a header value, as HTTP says. */
const lockIds = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'A',
      'B',
      '{"S":"0136ad16","E":2,"M":"DE99"}',
      'x'.repeat(maxLockLength),
      utf8Bytes('verrou-é-😀'),
      '  A  ',
      'a b',
      'a',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('', '   ', 'x'.repeat(maxLockLength + 1)) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[^\x21-\x7e]/g, '_')) },
);

const wireValue = (id: string) => id.replace(/^[ \t]+|[ \t]+$/g, '');
const problemOf = (id: string): string | null =>
  wireValue(id) === ''
    ? 'is empty'
    : wireValue(id).length > maxLockLength
      ? `is ${wireValue(id).length} characters long; at most ${maxLockLength} are supported`
      : null;

function current(m: Model): { id: string; expiresAt: number } | null {
  return m.lock && m.lock.expiresAt > m.now ? m.lock : null;
}

const reasons = {
  mismatch: 'the file is locked with a different lock id',
  notLocked: 'the file is not locked',
  notEmpty: 'the file is not locked and is not empty',
};

function expectOk(reply: WireReply, m: Model, step: string, itemVersion = true): void {
  assert.equal(reply.status, 200, `${step}: ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`);
  assert.equal(reply.headers['x-wopi-lock'], undefined, `${step}: X-WOPI-Lock only goes with GetLock and 409s`);
  assert.equal(reply.header('x-wopi-itemversion'), itemVersion ? String(m.version) : undefined, `${step}: X-WOPI-ItemVersion`);
}

function expectConflict(reply: WireReply, m: Model, reason: string, step: string): void {
  assert.equal(reply.status, 409, `${step}: ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`);
  const lock = current(m)?.id ?? '';
  assert.deepEqual(reply.headers['x-wopi-lock'], [lock], `${step}: X-WOPI-Lock`);
  assert.equal(reply.header('x-wopi-lockfailurereason'), reason, step);
  assert.equal(
    reply.header('x-wopi-servererror'),
    serverErrorOf(lock === '' ? reason : `${reason} (current lock ${JSON.stringify(lock.slice(0, 100))})`),
    step,
  );
  assert.equal(reply.header('x-wopi-itemversion'), undefined, step);
}

function expectBadRequest(reply: WireReply, detail: string, step: string): void {
  assert.deepEqual([reply.status, reply.header('x-wopi-servererror'), reply.headers['x-wopi-lock']], [400, detail, undefined], step);
}

const override = (r: Real, operation: string, headers: Record<string, string> = {}, path = r.file.path) =>
  r.wire.wopi('POST', path, { headers: { 'x-wopi-override': operation, ...headers } });

class LockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await override(r, 'LOCK', { 'x-wopi-lock': this.id });
    const step = this.toString();
    const problem = problemOf(this.id);
    if (problem) return expectBadRequest(reply, `X-WOPI-Lock ${problem}`, step);
    const held = current(m);
    // Spec (Lock): locking with the id the file already holds refreshes the lock.
    if (held && held.id !== wireValue(this.id)) return expectConflict(reply, m, reasons.mismatch, step);
    m.lock = { id: wireValue(this.id), expiresAt: m.now + lockLifetimeMs };
    expectOk(reply, m, step);
  }
  toString = () => `Lock(${JSON.stringify(this.id.slice(0, 40))})`;
}

class RefreshLockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await override(r, 'REFRESH_LOCK', { 'x-wopi-lock': this.id });
    const step = this.toString();
    const problem = problemOf(this.id);
    if (problem) return expectBadRequest(reply, `X-WOPI-Lock ${problem}`, step);
    const held = current(m);
    if (!held) return expectConflict(reply, m, reasons.notLocked, step);
    if (held.id !== wireValue(this.id)) return expectConflict(reply, m, reasons.mismatch, step);
    m.lock = { id: held.id, expiresAt: m.now + lockLifetimeMs };
    expectOk(reply, m, step);
  }
  toString = () => `RefreshLock(${JSON.stringify(this.id.slice(0, 40))})`;
}

class UnlockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await override(r, 'UNLOCK', { 'x-wopi-lock': this.id });
    const step = this.toString();
    const problem = problemOf(this.id);
    if (problem) return expectBadRequest(reply, `X-WOPI-Lock ${problem}`, step);
    const held = current(m);
    // Spec (Unlock): on an unlocked file, 409 with X-WOPI-Lock set to the empty string.
    if (!held) return expectConflict(reply, m, reasons.notLocked, step);
    if (held.id !== wireValue(this.id)) return expectConflict(reply, m, reasons.mismatch, step);
    m.lock = null;
    expectOk(reply, m, step);
  }
  toString = () => `Unlock(${JSON.stringify(this.id.slice(0, 40))})`;
}

class UnlockAndRelockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly oldId: string,
    readonly newId: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await override(r, 'LOCK', { 'x-wopi-lock': this.newId, 'x-wopi-oldlock': this.oldId });
    const step = this.toString();
    const newProblem = problemOf(this.newId);
    if (newProblem) return expectBadRequest(reply, `X-WOPI-Lock ${newProblem}`, step);
    const oldProblem = problemOf(this.oldId);
    if (oldProblem) return expectBadRequest(reply, `X-WOPI-OldLock ${oldProblem}`, step);
    const held = current(m);
    if (!held) return expectConflict(reply, m, reasons.notLocked, step);
    if (held.id !== wireValue(this.oldId)) return expectConflict(reply, m, reasons.mismatch, step);
    m.lock = { id: wireValue(this.newId), expiresAt: m.now + lockLifetimeMs };
    expectOk(reply, m, step);
  }
  toString = () => `UnlockAndRelock(${JSON.stringify(this.oldId.slice(0, 40))} → ${JSON.stringify(this.newId.slice(0, 40))})`;
}

class GetLockCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await override(r, 'GET_LOCK');
    // Spec (GetLock): X-WOPI-Lock always, the empty string when the file is not locked.
    assert.deepEqual([reply.status, reply.headers['x-wopi-lock']], [200, [current(m)?.id ?? '']], this.toString());
  }
  toString = () => 'GetLock';
}

class PutFileCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string | undefined,
    readonly body: Buffer,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await r.wire.wopi('POST', r.contents, {
      headers: { 'x-wopi-override': 'PUT', ...(this.id !== undefined ? { 'x-wopi-lock': this.id } : {}) },
      body: this.body,
    });
    const step = this.toString();
    // An empty X-WOPI-Lock on PutFile counts as none (the file may be unlocked and empty).
    const sent = this.id === undefined || wireValue(this.id) === '' ? undefined : wireValue(this.id);
    const problem = sent === undefined ? null : problemOf(sent);
    if (problem) return expectBadRequest(reply, `X-WOPI-Lock ${problem}`, step);
    const held = current(m);
    if (held && held.id !== sent) return expectConflict(reply, m, reasons.mismatch, step);
    // Spec (PutFile): unlocked, a 0-byte file takes content; any other is a 409 with X-WOPI-Lock "".
    if (!held && m.content.length > 0) return expectConflict(reply, m, reasons.notEmpty, step);
    m.content = this.body;
    m.version++;
    expectOk(reply, m, step);
  }
  toString = () => `PutFile(${this.id === undefined ? 'no lock' : JSON.stringify(this.id.slice(0, 40))}, ${this.body.length} bytes)`;
}

class RenameFileCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string | undefined,
    readonly base: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const reply = await override(r, 'RENAME_FILE', {
      'x-wopi-requestedname': this.base,
      ...(this.id !== undefined ? { 'x-wopi-lock': this.id } : {}),
    });
    const step = this.toString();
    const sent = this.id === undefined || wireValue(this.id) === '' ? undefined : wireValue(this.id);
    const problem = sent === undefined ? null : problemOf(sent);
    if (problem) return expectBadRequest(reply, `X-WOPI-Lock ${problem}`, step);
    const held = current(m);
    if (held && held.id !== sent) return expectConflict(reply, m, sent === undefined ? 'the file is locked' : reasons.mismatch, step);
    m.base = this.base;
    m.version++;
    assert.deepEqual([reply.status, reply.json(), reply.headers['x-wopi-lock']], [200, { Name: this.base }, undefined], step);
  }
  toString = () => `RenameFile(${this.id === undefined ? 'no lock' : JSON.stringify(this.id.slice(0, 40))}, ${this.base})`;
}

class ReadBackCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const content = await r.wire.wopi('GET', r.contents);
    assert.equal(content.status, 200);
    assert.ok(content.body.equals(m.content), `GetFile: ${content.body.length} bytes, the model has ${m.content.length}`);
    assert.equal(content.header('x-wopi-itemversion'), String(m.version));
    const info = (await r.wire.wopi('GET', r.file.path)).json();
    assert.deepEqual([info.Size, info.Version, info.BaseFileName], [m.content.length, String(m.version), `${m.base}.docx`]);
  }
  toString = () => 'GetFile+CheckFileInfo';
}

class AdvanceClockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    r.h.advance(this.ms);
    m.now += this.ms;
    return Promise.resolve();
  }
  toString = () => `Advance(${this.ms} ms)`;
}

let h: Harness;
let wire: Wire;
let folder: Created;
before(async () => {
  h = await startHarness();
  await useLongTokenLifetimes(h);
  wire = wireTo(h);
  folder = await newContainer(wire, await aliceRoot(h), 'lock-model');
});
after(async () => {
  wire.close();
  await h.close();
});

const optionalLock = fc.option(lockIds, { nil: undefined, freq: 4 });
const body = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constant(new Uint8Array(0))).map((b) => Buffer.from(b));

test('random Lock/GetLock/RefreshLock/Unlock/UnlockAndRelock/PutFile/RenameFile sequences across lock expiry: every answer as the model predicts', async (t) => {
  const commands = fc.commands(
    [
      lockIds.map((id) => new LockCommand(id)),
      lockIds.map((id) => new RefreshLockCommand(id)),
      lockIds.map((id) => new UnlockCommand(id)),
      fc.tuple(lockIds, lockIds).map(([o, n]) => new UnlockAndRelockCommand(o, n)),
      fc.constant(new GetLockCommand()),
      fc.tuple(optionalLock, body).map(([id, b]) => new PutFileCommand(id, b)),
      fc.tuple(optionalLock, fc.constantFrom('renamed', 'Report 2026', 'x')).map(([id, base]) => new RenameFileCommand(id, base)),
      fc.constant(new ReadBackCommand()),
      // Either side of the 30-minute expiry, and exactly on it (an expired lock is as good as none).
      fc.constantFrom(1000, 29 * 60 * 1000 + 59_000, lockLifetimeMs, 60_000).map((ms) => new AdvanceClockCommand(ms)),
    ],
    { maxCommands: 40, size: '+1' },
  );
  let steps = 0;
  await checkAsync(
    t,
    [commands, fc.boolean()],
    async (sequence, startEmpty) => {
      // Each sequence gets its own folder and file, so none depends on another's lock or names.
      const file = await newFileIn(
        wire,
        (await newContainer(wire, folder.url, 'run')).url,
        startEmpty ? undefined : Buffer.from('first content'),
        'model.docx',
      );
      const base = file.name.replace(/\.docx$/, '');
      const model: Model = {
        lock: null,
        content: startEmpty ? Buffer.alloc(0) : Buffer.from('first content'),
        version: startEmpty ? 1 : 2,
        base,
        now: h.now(),
      };
      const real: Real = { wire, h, file, contents: pathOf(appendPath(file.url, '/contents')) };
      await fc.asyncModelRun(() => ({ model, real }), sequence);
      await new ReadBackCommand().run(model, real);
      steps += [...sequence].length;
    },
    { weight: 1.5 },
  );
  t.diagnostic(`lock model: ${steps} steps checked`);
});
