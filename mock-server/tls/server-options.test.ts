import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, getCiphers, type ConnectionOptions } from 'node:tls';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { tls12Suites, wopiCiphers } from './server-options.js';

/** What the WOPI listener negotiates with a client offering only `options.ciphers`: its suite and version, or the error. */
function handshake(h: Harness, options: ConnectionOptions): Promise<{ cipher: string; version: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect(
      { host: '127.0.0.1', port: Number(new URL(h.origin).port), servername: 'localhost', ca: h.ca, ...options },
      () => {
        resolve({ cipher: socket.getCipher().standardName, version: socket.getProtocol() ?? '' });
        socket.destroy();
      },
    );
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

const forwardSecretAead = /^ECDHE-(?:ECDSA|RSA)-(?:AES(?:128|256)-GCM-SHA(?:256|384)|CHACHA20-POLY1305)$/;

test('the cipher list: TLS 1.3 as Node has it, then only forward-secret AEAD suites for TLS 1.2', () => {
  const suites = wopiCiphers.split(':');
  assert.deepEqual(suites.slice(0, 3), ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']);
  assert.deepEqual(suites.slice(3), [...tls12Suites]);
  for (const suite of tls12Suites) assert.match(suite, forwardSecretAead);
});

describe('the WOPI listener, dialled with TLS 1.2', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('refuses a CBC suite, even one with forward secrecy', async () => {
    for (const ciphers of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA256']) {
      const outcome = await handshake(h, { maxVersion: 'TLSv1.2', ciphers });
      assert.ok('error' in outcome, `${ciphers} was accepted: ${JSON.stringify(outcome)}`);
      assert.match(outcome.error, /HANDSHAKE_FAILURE|NO_SHARED_CIPHER|NO_CIPHERS/, ciphers);
    }
  });

  test('accepts each AEAD suite its EC key can serve', async () => {
    for (const [ciphers, standardName] of [
      ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
      ['ECDHE-ECDSA-CHACHA20-POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
    ]) {
      assert.deepEqual(await handshake(h, { maxVersion: 'TLSv1.2', ciphers }), { cipher: standardName, version: 'TLSv1.2' }, ciphers);
    }
  });

  test('of every suite this Node knows, offered alone, it accepts only forward-secret AEAD ones', async () => {
    const accepted: string[] = [];
    for (const cipher of getCiphers().filter((name) => !name.startsWith('tls_'))) {
      const outcome = await handshake(h, { maxVersion: 'TLSv1.2', ciphers: cipher.toUpperCase() });
      if (!('error' in outcome)) accepted.push(cipher.toUpperCase());
    }
    assert.deepEqual(accepted.sort(), ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305']);
  });

  test('TLS 1.3 is still negotiated, with each of its suites, the client choosing', async () => {
    assert.equal(((await handshake(h, {})) as { version: string }).version, 'TLSv1.3');
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      assert.deepEqual(await handshake(h, { minVersion: 'TLSv1.3', ciphers: suite }), { cipher: suite, version: 'TLSv1.3' }, suite);
    }
  });
});
