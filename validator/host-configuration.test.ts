import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseTestCases } from './parse-test-cases.js';
import { selectTests } from './selection.js';
import { capabilitiesFor, describeHostConfiguration, hostRequirements } from './host-configuration.js';
import type { TestCaseDefinition, ValidatorDefinition } from './model.js';
import { defaultTestCasesFile, testCasesOrigin } from './test-cases-location.js';

/** The real TestCases.xml when it is here (WOPI_VALIDATOR_DATA, or ../shared beside the repository); without it these cases say where it comes from. */
const testCasesFile = defaultTestCasesFile(fileURLToPath(new URL('../../', import.meta.url)));

describe('host requirements of the real TestCases.xml groups', { skip: testCasesFile === undefined && testCasesOrigin }, async () => {
  const suite = parseTestCases(await readFile(testCasesFile!, 'utf8'));
  const selected = selectTests(suite, { categories: ['WopiCore', 'OfficeNativeClient'] });
  const byGroup = new Map(selected.map((s) => [s.group, hostRequirements(s.prerequisites)]));

  test('only the two "unsupported" groups need a switch off; the configuration follows the prerequisites', () => {
    const nonDefault = [...byGroup]
      .filter(([, r]) => describeHostConfiguration(capabilitiesFor(r)) !== 'defaults')
      .map(([group, r]) => [group, describeHostConfiguration(capabilitiesFor(r))]);
    assert.deepEqual(nonDefault, [
      ['PutRelativeFileUnsupported', 'capabilities.putRelativeFile=false'],
      ['RenameFileIfCreateChildFileIsNotSupported', 'capabilities.containers=false'],
    ]);
    assert.deepEqual(byGroup.get('PutRelativeFileUnsupported'), { capabilities: { putRelativeFile: false }, conflicts: [] });
    // ContainersUnsupportedPrereq plus UserCanWriteRelativePrereq: containers off, PutRelativeFile on.
    assert.deepEqual(byGroup.get('RenameFileIfCreateChildFileIsNotSupported'), {
      capabilities: { containers: false, putRelativeFile: true },
      conflicts: [],
    });
    assert.deepEqual(byGroup.get('Container'), { capabilities: { containers: true }, conflicts: [] });
    assert.deepEqual(byGroup.get('Locks'), { capabilities: {}, conflicts: [] });
    assert.ok([...byGroup.values()].every((r) => r.conflicts.length === 0));
  });
});

const checkFileInfo = (validators: ValidatorDefinition[]): TestCaseDefinition => ({
  name: 'P',
  category: 'WopiCore',
  description: '',
  failMessage: undefined,
  requests: [{ operation: 'CheckFileInfo', attributes: {}, validators, stateSavers: [], mutators: [], requestBody: undefined }],
  cleanupRequests: [],
});
const boolean = (name: string, expectedValue: string, shouldExist = true): ValidatorDefinition => ({
  kind: 'JsonResponseContent',
  shouldExist,
  properties: [
    {
      kind: 'BooleanProperty',
      name,
      isRequired: true,
      expectedValue,
      expectedStateKey: undefined,
      endsWith: undefined,
      shouldMatch: true,
      mustIncludeAccessToken: false,
      ignoreCase: false,
    },
  ],
});

test('checks inside And count, inside Or they do not; other properties and requests are ignored', () => {
  assert.deepEqual(hostRequirements([checkFileInfo([{ kind: 'And', validators: [boolean('SupportsContainers', 'False')] }])]), {
    capabilities: { containers: false },
    conflicts: [],
  });
  assert.deepEqual(
    hostRequirements([
      checkFileInfo([{ kind: 'Or', validators: [boolean('SupportsContainers', 'false'), boolean('SupportsLocks', 'true')] }]),
    ]),
    { capabilities: {}, conflicts: [] },
  );
  assert.deepEqual(
    hostRequirements([
      checkFileInfo([
        boolean('SupportsLocks', 'true'),
        boolean('UserCanNotWriteRelative', 'maybe'),
        boolean('SupportsContainers', 'false', false),
      ]),
    ]),
    { capabilities: {}, conflicts: [] },
  );
  const other = checkFileInfo([boolean('SupportsContainers', 'false')]);
  other.requests[0]!.operation = 'CheckContainerInfo';
  assert.deepEqual(hostRequirements([other]), { capabilities: {}, conflicts: [] });
});

test('prerequisites asking for a switch both ways are a conflict, left at the default', () => {
  const requirements = hostRequirements([
    checkFileInfo([boolean('SupportsContainers', 'true')]),
    checkFileInfo([boolean('SupportsContainers', 'false'), boolean('UserCanNotWriteRelative', 'true')]),
  ]);
  assert.deepEqual(requirements, { capabilities: { putRelativeFile: false }, conflicts: ['containers'] });
  assert.deepEqual(capabilitiesFor(requirements), { putRelativeFile: false, containers: true });
  assert.equal(describeHostConfiguration({ putRelativeFile: true, containers: true }), 'defaults');
});
