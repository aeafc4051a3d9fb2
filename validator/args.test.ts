import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunnerArgs, UsageError } from './args.js';

const repo = '/repo/main';

describe('parseRunnerArgs', () => {
  test('no arguments: our own mock, both categories, WOPI_VALIDATOR_DATA and the checked-in skip list', () => {
    assert.deepEqual(parseRunnerArgs([], repo, '/cwd', { WOPI_VALIDATOR_DATA: '/data/validator' }), {
      kind: 'run',
      options: {
        external: undefined,
        testCasesFile: '/data/validator/TestCases.xml',
        skipListFile: '/repo/main/validator/skip-list.json',
        categories: ['WopiCore', 'OfficeNativeClient'],
        group: undefined,
        test: undefined,
        verbose: false,
        json: false,
      },
    });
  });
  test('no TestCases.xml anywhere: nothing to run, which is not an error', () => {
    assert.deepEqual(parseRunnerArgs([], '/nowhere/repo', '/cwd', {}), { kind: 'no-test-cases' });
  });
  test('--test-cases names the file, relative to the working directory', () => {
    const command = parseRunnerArgs(['--test-cases', 'data/TestCases.xml'], repo, '/cwd', {});
    assert.equal(command.kind === 'run' && command.options.testCasesFile, '/cwd/data/TestCases.xml');
  });
  test('an external host like the original -w/-t/-l, files relative to the working directory', () => {
    const command = parseRunnerArgs(
      [
        '--wopisrc',
        'https://h/wopi/files/a',
        '--token',
        't',
        '--token-ttl',
        '1700000000000',
        '--ca',
        'ca.pem',
        '--config',
        'tc/TestCases.xml',
        '--category',
        'WopiCore',
        '--test',
        'X',
        '--json',
      ],
      repo,
      '/cwd',
    );
    assert.equal(command.kind, 'run');
    if (command.kind !== 'run') return;
    assert.deepEqual(command.options.external, {
      wopiSrc: 'https://h/wopi/files/a',
      token: 't',
      tokenTtl: 1700000000000,
      caFile: '/cwd/ca.pem',
    });
    assert.equal(command.options.testCasesFile, '/cwd/tc/TestCases.xml');
    assert.deepEqual(command.options.categories, ['WopiCore']);
    assert.equal(command.options.test, 'X');
    assert.equal(command.options.json, true);
  });
  test('--help', () => assert.deepEqual(parseRunnerArgs(['--help'], repo), { kind: 'help' }));

  const bad: Array<[string, string[], string]> = [
    ['unknown flag', ['--nope'], "Unknown option '--nope'; see --help"],
    [
      'wopisrc without token',
      ['--wopisrc', 'https://h/f'],
      '--wopisrc and --token go together: the WopiSrc of a .wopitest file and a WOPI token for it',
    ],
    ['relative wopisrc', ['--wopisrc', '/wopi/files/a', '--token', 't'], '--wopisrc must be an absolute http(s) URL, not "/wopi/files/a"'],
    [
      'ttl in seconds with a dot',
      ['--wopisrc', 'https://h/f', '--token', 't', '--token-ttl', '1.5'],
      '--token-ttl must be a whole number of milliseconds since the epoch (0 = unknown), not "1.5"',
    ],
    ['ttl without a host', ['--token-ttl', '5'], '--token-ttl only applies with --wopisrc and --token'],
    ['group and test', ['--group', 'Locks', '--test', 'X'], '--group and --test cannot be used together (as in the validator)'],
    [
      'unknown category',
      ['--category', 'Mobile'],
      'unknown category "Mobile"; categories are WopiCore, OfficeOnline, OfficeNativeClient, WopiCoauth',
    ],
  ];
  for (const [name, argv, message] of bad)
    test(`rejects: ${name}`, () => assert.throws(() => parseRunnerArgs(argv, repo), new UsageError(message)));
});
