import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { RequestLog } from '../log/request-log.js';
import { summarize } from '../log/summary.js';
import { logEntry } from '../../test-support/entry-fixture.js';
import { logEventIntervalMs, streamEvents } from './sse.js';
import type { Store } from '../state/store.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';

/** A subscriber without a socket: what streamEvents writes, split into events. */
function subscribe(log: RequestLog) {
  const res = Object.assign(new EventEmitter(), {
    chunks: [] as string[],
    writableLength: 0,
    status: () => res,
    setHeader: () => res,
    flushHeaders: () => undefined,
    write: (text: string) => res.chunks.push(text) > 0,
    destroy: () => undefined,
  });
  const req = { query: {}, headers: {}, socket: { setNoDelay: () => undefined } };
  streamEvents(req as unknown as Request, res as unknown as Response, {
    log,
    store: new EventEmitter() as unknown as Store,
    issuedTokens: new EventEmitter() as unknown as IssuedTokens,
  });
  const events = () =>
    res.chunks
      .join('')
      .split('\n\n')
      .filter((block) => block.includes('data: '))
      .map((block) => ({
        event: /^event: (.*)$/m.exec(block)?.[1],
        id: /^id: (.*)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as unknown,
        text: block,
      }));
  return { events, close: () => res.emit('close') };
}

const entry = (seq: number) => logEntry({ seq, operation: 'Bootstrap', url: `/wopibootstrapper?n=${seq}`, status: 401 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('live stream log events', () => {
  test('the first entry after a quiet spell goes out at once; what follows within the interval shares one event', async () => {
    const log = new RequestLog(100);
    const a = subscribe(log);
    const b = subscribe(log);
    try {
      log.add(entry(log.nextSeq()));
      await turn();
      assert.deepEqual(
        a.events().map((e) => [e.event, e.id, (e.data as Array<{ seq: number }>).map((s) => s.seq)]),
        [['log', '1', [1]]],
      );
      for (let i = 0; i < 5; i++) {
        log.add(entry(log.nextSeq()));
        await turn();
      }
      assert.equal(a.events().length, 1, 'within the interval, nothing more goes out');
      await sleep(logEventIntervalMs + 30);
      const events = a.events();
      assert.deepEqual(
        events.map((e) => (e.data as Array<{ seq: number }>).map((s) => s.seq)),
        [[1], [2, 3, 4, 5, 6]],
      );
      assert.equal(events[1]!.id, '6');
      assert.deepEqual(
        events[1]!.data,
        [2, 3, 4, 5, 6].map((seq) => summarize(entry(seq))),
      );
      // Every subscriber gets the very same text.
      assert.deepEqual(
        b.events().map((e) => e.text),
        events.map((e) => e.text),
      );
    } finally {
      a.close();
      b.close();
    }
    assert.equal(log.listenerCount('entries'), 0, 'without subscribers the log is not listened to');
  });

  test('entries not yet sent when the log is cleared never follow the log-cleared event', async () => {
    const log = new RequestLog(100);
    const a = subscribe(log);
    try {
      log.add(entry(log.nextSeq()));
      await turn();
      log.add(entry(log.nextSeq()));
      await turn();
      log.clear();
      await sleep(logEventIntervalMs + 30);
      assert.deepEqual(
        a.events().map((e) => e.event),
        ['log', 'log-cleared'],
      );
      log.add(entry(log.nextSeq()));
      await sleep(logEventIntervalMs + 30);
      assert.deepEqual(
        a.events().map((e) => [e.event, e.id]),
        [
          ['log', '1'],
          ['log-cleared', undefined],
          ['log', '3'],
        ],
      );
    } finally {
      a.close();
    }
  });
});
