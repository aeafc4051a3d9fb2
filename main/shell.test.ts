import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWindowState, restoreBounds, defaultSize } from './window-state.js';
import { openableExternally, staysInApp } from './navigation.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };

describe('window state', () => {
  test('malformed or missing saved state is ignored', () => {
    for (const text of [null, '', '{', 'null', '{"bounds":{"x":1}}', '{"bounds":{"x":"1","y":0,"width":10,"height":10}}']) {
      assert.equal(parseWindowState(text), null, String(text));
    }
    assert.deepEqual(parseWindowState('{"bounds":{"x":10,"y":20,"width":900,"height":700},"maximized":true,"extra":1}'), {
      bounds: { x: 10, y: 20, width: 900, height: 700 },
      maximized: true,
    });
  });

  test('saved bounds on a present display are restored as they were', () => {
    const saved = { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: false };
    assert.deepEqual(restoreBounds(saved, [laptop]), { x: 100, y: 50, width: 1000, height: 700 });
  });

  test('a window left on an unplugged monitor comes back at the default place, no larger than the default', () => {
    const saved = { bounds: { x: 2000, y: 0, width: 1900, height: 1000 }, maximized: false };
    assert.deepEqual(restoreBounds(saved, [laptop]), { width: defaultSize.width, height: defaultSize.height });
    assert.deepEqual(restoreBounds(saved, [laptop, { x: 1440, y: 0, width: 2560, height: 1440 }]), saved.bounds);
  });

  test('a sliver of 63 px on screen is not enough, 64 px is', () => {
    const bounds = (x: number) => ({ bounds: { x, y: 0, width: 800, height: 600 }, maximized: false });
    assert.equal(restoreBounds(bounds(1440 - 63), [laptop]).x, undefined);
    assert.equal(restoreBounds(bounds(1440 - 64), [laptop]).x, 1440 - 64);
  });
});

describe('navigation', () => {
  test('only the UI origin stays in the window', () => {
    const ui = 'http://127.0.0.1:8444/';
    assert.equal(staysInApp('http://127.0.0.1:8444/#/faults', ui), true);
    assert.equal(staysInApp('http://127.0.0.1:8445/', ui), false);
    assert.equal(staysInApp('http://localhost:8444/', ui), false);
    assert.equal(staysInApp('https://127.0.0.1:8444/', ui), false);
    assert.equal(staysInApp('not a url', ui), false);
  });

  test('only http(s) links go to the OS browser', () => {
    assert.equal(openableExternally('https://learn.microsoft.com/'), true);
    assert.equal(openableExternally('http://192.168.1.5:8443/setup'), true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-word:ofe|u|x', 'garbage'])
      assert.equal(openableExternally(url), false, url);
  });
});
