import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { IssuedTokens, type IssuedTokenInfo } from './issued-tokens.js';
import { TokenService } from './token-service.js';

const frozenNow = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const open: IssuedTokens[] = [];
afterEach(() => open.splice(0).forEach((registry) => registry.close()));

function registryAt(now: () => number, epochs: Record<string, string> = { alice: 'e1', bob: 'e1' }, perUserLimit?: number) {
  const registry = new IssuedTokens({ clock: now, epochOf: (id) => epochs[id], ...(perUserLimit !== undefined ? { perUserLimit } : {}) });
  open.push(registry);
  return registry;
}

const access = (jti: string, expiresAt: number): Omit<IssuedTokenInfo, 'redeemedAt'> => ({
  kind: 'access',
  jti,
  issuedAt: frozenNow,
  expiresAt,
  clientId: 'office-mobile',
  scope: null,
});

describe('IssuedTokens', () => {
  test('TokenService registers every token it signs, once per shared WOPI grant, newest first', async () => {
    let now = frozenNow;
    const registry = registryAt(() => now);
    const tokens = await TokenService.create(new Uint8Array(32).fill(7), () => now, registry);
    const alice = { userId: 'alice', epoch: 'e1' };
    await tokens.issue('code', alice, { cid: 'office-mobile', ru: 'https://localhost' }, { ttlSeconds: 600 });
    await tokens.issue('access', alice, { cid: 'office-mobile' }, { ttlSeconds: 3600 });
    now += 500;
    await tokens.issue('wopi', alice, { res: 'ecosystem' }, { ttlSeconds: 60 });
    await tokens.issue('wopi', alice, { res: 'ecosystem' }, { ttlSeconds: 60 }); // shared: same second, same grant
    await tokens.issue('refresh', { userId: 'bob', epoch: 'e1' }, { cid: 'office-mobile' }, { ttlSeconds: 7200 });

    const listed = registry.list('alice');
    assert.deepEqual(
      listed.map(({ jti: _jti, ...rest }) => rest),
      [
        { kind: 'wopi', issuedAt: frozenNow, expiresAt: frozenNow + 60_000, clientId: null, scope: 'ecosystem', redeemedAt: null },
        { kind: 'access', issuedAt: frozenNow, expiresAt: frozenNow + 3_600_000, clientId: 'office-mobile', scope: null, redeemedAt: null },
        { kind: 'code', issuedAt: frozenNow, expiresAt: frozenNow + 600_000, clientId: 'office-mobile', scope: null, redeemedAt: null },
      ],
    );
    for (const info of listed) assert.match(info.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      registry.list('bob').map((t) => [t.kind, t.expiresAt]),
      [['refresh', frozenNow + 7_200_000]],
    );
  });

  test('expired tokens are purged on reading, exactly at their expiry', () => {
    let now = frozenNow;
    const registry = registryAt(() => now);
    registry.add('alice', 'e1', access('short', frozenNow + 1000));
    registry.add('alice', 'e1', access('long', frozenNow + 5000));
    now = frozenNow + 999;
    assert.deepEqual(
      registry.list('alice').map((t) => t.jti),
      ['long', 'short'],
    );
    now = frozenNow + 1000;
    assert.deepEqual(
      registry.list('alice').map((t) => t.jti),
      ['long'],
    );
    now = frozenNow + 5000;
    assert.deepEqual(registry.list('alice'), []);
  });

  test('purgeAll (the timer) drops expired tokens and tells listeners', async () => {
    let now = frozenNow;
    const registry = registryAt(() => now);
    registry.add('alice', 'e1', access('a', frozenNow + 1000));
    registry.add('bob', 'e1', access('b', frozenNow + 9000));
    const seen: string[] = [];
    registry.on('changed', (userId) => seen.push(userId));
    now = frozenNow + 2000;
    registry.purgeAll();
    await sleep(20);
    assert.deepEqual(seen, ['alice']);
    assert.deepEqual(
      registry.list('bob').map((t) => t.jti),
      ['b'],
    );
  });

  test('a token carrying an old epoch is never listed (a revoke racing the signing)', () => {
    const epochs: Record<string, string> = { alice: 'e1' };
    const registry = registryAt(() => frozenNow, epochs);
    registry.add('alice', 'e1', access('before', frozenNow + 60_000));
    epochs['alice'] = 'e2';
    registry.add('alice', 'e1', access('signed-during-revoke', frozenNow + 60_000));
    registry.add('alice', 'e2', access('after', frozenNow + 60_000));
    assert.deepEqual(
      registry.list('alice').map((t) => t.jti),
      ['after'],
    );
    delete epochs['alice'];
    assert.deepEqual(registry.list('alice'), []);
  });

  test("forgetUser and retainUsers drop a user's tokens", () => {
    const registry = registryAt(() => frozenNow);
    registry.add('alice', 'e1', access('a', frozenNow + 60_000));
    registry.add('bob', 'e1', access('b', frozenNow + 60_000));
    registry.forgetUser('alice');
    assert.deepEqual(registry.list('alice'), []);
    registry.retainUsers(['alice']);
    assert.deepEqual(registry.list('bob'), []);
  });

  test('keeps the newest perUserLimit tokens per user', () => {
    const registry = registryAt(() => frozenNow, { alice: 'e1' }, 3);
    for (const jti of ['1', '2', '3', '4', '5']) registry.add('alice', 'e1', access(jti, frozenNow + 60_000));
    assert.deepEqual(
      registry.list('alice').map((t) => t.jti),
      ['5', '4', '3'],
    );
  });

  test('a redeemed code is marked with the time; unknown or repeated redemptions change nothing', () => {
    let now = frozenNow;
    const registry = registryAt(() => now);
    registry.add('alice', 'e1', {
      kind: 'code',
      jti: 'c1',
      issuedAt: frozenNow,
      expiresAt: frozenNow + 600_000,
      clientId: 'office-mobile',
      scope: null,
    });
    now = frozenNow + 1234;
    registry.redeemed('c1');
    now = frozenNow + 9999;
    registry.redeemed('c1');
    registry.redeemed('nope');
    assert.deepEqual(
      registry.list('alice').map((t) => [t.jti, t.redeemedAt]),
      [['c1', frozenNow + 1234]],
    );
  });

  test('a burst of changes costs one event per user per 250 ms', async () => {
    const registry = registryAt(() => frozenNow);
    const events: Array<{ userId: string; at: number }> = [];
    registry.on('changed', (userId) => events.push({ userId, at: performance.now() }));
    for (let i = 0; i < 2000; i++) registry.add('alice', 'e1', access(`a${i}`, frozenNow + 60_000));
    registry.add('bob', 'e1', access('b', frozenNow + 60_000));
    await once(registry, 'changed');
    await sleep(20);
    assert.deepEqual(events.map((e) => e.userId).sort(), ['alice', 'bob']);
    // Changes right after an event wait for the window to close, then go out as one.
    for (let i = 0; i < 2000; i++) registry.add('alice', 'e1', access(`b${i}`, frozenNow + 60_000));
    await sleep(400);
    const alice = events.filter((e) => e.userId === 'alice');
    assert.equal(alice.length, 2);
    assert.ok(alice[1]!.at - alice[0]!.at >= 245, `second event came ${alice[1]!.at - alice[0]!.at} ms after the first`);
  });

  test('nothing is scheduled while nobody listens', async () => {
    const registry = registryAt(() => frozenNow);
    registry.add('alice', 'e1', access('a', frozenNow + 60_000));
    const seen: string[] = [];
    registry.on('changed', (userId) => seen.push(userId));
    await sleep(20);
    assert.deepEqual(seen, []);
  });
});
