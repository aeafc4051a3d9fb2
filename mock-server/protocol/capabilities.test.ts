import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operationNames } from './operations.js';
import { describeCapabilities, explainSwitchedOff, switchedOff } from './capabilities.js';

const on = { putRelativeFile: true, containers: true };

test('with every capability on, no operation is switched off', () => {
  assert.deepEqual(
    operationNames.filter((op) => switchedOff(op, on) !== null),
    [],
  );
});

test('putRelativeFile off takes PutRelativeFile away, nothing else', () => {
  const off = { ...on, putRelativeFile: false };
  assert.deepEqual(
    operationNames.flatMap((op) => (switchedOff(op, off) ? [[op, switchedOff(op, off)]] : [])),
    [['PutRelativeFile', { capability: 'putRelativeFile', answer: 'not-implemented' }]],
  );
});

test('containers off takes every container operation away (SupportsContainers), keeps DeleteFile, and answers the shortcut as Bootstrap', () => {
  const off = { ...on, containers: false };
  assert.deepEqual(
    operationNames.flatMap((op) => (switchedOff(op, off) ? [[op, switchedOff(op, off)!.answer]] : [])),
    [
      ['GetRootContainer(bootstrapper)', 'bootstrap'],
      ['GetRootContainer', 'not-implemented'],
      ['EnumerateAncestors(file)', 'not-implemented'],
      ['CheckContainerInfo', 'not-implemented'],
      ['EnumerateChildren', 'not-implemented'],
      ['EnumerateAncestors(container)', 'not-implemented'],
      ['CreateChildFile', 'not-implemented'],
      ['CreateChildContainer', 'not-implemented'],
      ['DeleteContainer', 'not-implemented'],
      ['RenameContainer', 'not-implemented'],
      ['GetEcosystem(container)', 'not-implemented'],
      ['GetShareUrl(container)', 'not-implemented'],
    ],
  );
  assert.equal(switchedOff('DeleteFile', off), null);
  assert.equal(switchedOff('PutRelativeFile', off), null);
});

test('explanations and descriptions name the config path', () => {
  assert.equal(
    explainSwitchedOff('CreateChildFile', { capability: 'containers', answer: 'not-implemented' }),
    'CreateChildFile is switched off: capabilities.containers is false',
  );
  assert.equal(
    explainSwitchedOff('GetRootContainer(bootstrapper)', { capability: 'containers', answer: 'bootstrap' }),
    'GetRootContainer(bootstrapper) answered as a plain Bootstrap: capabilities.containers is false',
  );
  assert.equal(describeCapabilities(on), '');
  assert.equal(
    describeCapabilities({ putRelativeFile: false, containers: false }),
    'capabilities.putRelativeFile=false, capabilities.containers=false',
  );
});
