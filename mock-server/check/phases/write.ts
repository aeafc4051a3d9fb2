import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testCasesOrigin } from '../../../validator/test-cases-location.js';
import { Operation } from '../../protocol/operations.js';
import { WopiOverride } from '../../protocol/headers.js';
import { asObject, type CheckRun } from '../run.js';

const skipList = fileURLToPath(new URL('../../../../validator/skip-list.json', import.meta.url));

/**
 * Opt-in: a scratch .wopitest file (CreateChildFile, else PutRelativeFile), the WOPI validator's
 * WopiCore and OfficeNativeClient cases on it, then DeleteFile. Nothing else on the host is touched.
 */
export async function writePhase(run: CheckRun): Promise<void> {
  const { ledger, found, options } = run;
  const name = `wopi-mock-host-check-${randomBytes(4).toString('hex')}.wopitest`;
  const created = await run.send(
    {
      operation: Operation.CreateChildFile,
      method: 'POST',
      url: found.rootContainerUrl!,
      headers: [
        ['X-WOPI-Override', WopiOverride.CreateChildFile],
        ['X-WOPI-SuggestedTarget', name],
      ],
      body: Buffer.alloc(0),
    },
    'scratch-file',
  );
  let fileUrl = created?.status === 200 ? asObject(created.json())?.['Url'] : undefined;
  if (typeof fileUrl !== 'string' && found.fileUrl) {
    const relative = await run.send(
      {
        operation: Operation.PutRelativeFile,
        method: 'POST',
        url: found.fileUrl,
        headers: [
          ['X-WOPI-Override', WopiOverride.PutRelative],
          ['X-WOPI-SuggestedTarget', name],
        ],
        body: Buffer.from('scratch file of the WOPI Mock Host checker\n'),
      },
      'scratch-file',
    );
    fileUrl = relative?.status === 200 ? asObject(relative.json())?.['Url'] : undefined;
  }
  if (typeof fileUrl !== 'string') {
    ledger.broken(
      'scratch-file',
      `Neither CreateChildFile on the root container nor PutRelativeFile made "${name}" (answers: ${created?.status ?? 'none'}).`,
      created?.entry,
    );
    ledger.skip(['wopi-validator'], 'no scratch file to run the validator on');
    return;
  }
  ledger.tried('scratch-file', undefined, `made the scratch file "${name}"`);
  const scratch = new URL(fileUrl);
  const token = scratch.searchParams.get('access_token');
  run.redactor.add(token ?? undefined);

  const testCasesFile = options.write?.testCasesPath;
  if (!testCasesFile) ledger.skip(['wopi-validator'], `no validator test cases: ${testCasesOrigin}`);
  else if (!token) ledger.skip(['wopi-validator'], 'the scratch file URL carries no access_token');
  else {
    const wopiSrc = new URL(scratch);
    wopiSrc.search = '';
    try {
      // Loaded only for --write: the validator's XML, JSONPath and schema libraries stay out of every other run.
      const { runAgainstFile } = await import('../../../validator/suite.js');
      const results = await runAgainstFile({
        testCasesFile: path.resolve(testCasesFile),
        skipListFile: skipList,
        target: { wopiSrc: wopiSrc.href, accessToken: token, accessTokenTtl: Number(scratch.searchParams.get('access_token_ttl') ?? 0) },
        ca: options.ca,
        ...(options.insecure ? { insecure: true } : {}),
      });
      for (const result of results) {
        // A group whose prerequisite the host does not meet (PutRelativeFileUnsupported on a host that supports it) does not apply.
        if (result.status === 'failed' && result.prerequisite !== undefined)
          ledger.tried(
            'wopi-validator',
            undefined,
            `${result.group}/${result.name}: not applicable, prerequisite ${result.prerequisite} not met`,
          );
        else if (result.status === 'failed')
          ledger.broken('wopi-validator', `${result.group}/${result.name}: ${result.message ?? 'failed'}`);
        else if (result.status === 'passed') ledger.tried('wopi-validator', undefined, `${result.group}/${result.name} passed`);
      }
      if (!results.some((r) => r.status !== 'skipped'))
        ledger.skip(['wopi-validator'], 'every selected validator case is on the skip list');
    } catch (error) {
      ledger.skip(['wopi-validator'], `the validator could not run: ${(error as Error).message}`);
    }
  }

  const deleted = await run.send(
    { operation: Operation.DeleteFile, method: 'POST', url: fileUrl, headers: [['X-WOPI-Override', WopiOverride.Delete]] },
    'scratch-file',
  );
  if (deleted)
    ledger.expect(
      'scratch-file',
      deleted.status === 200,
      `Deleting the scratch file answered ${deleted.status}; "${name}" is left on the host.`,
      deleted.entry,
    );
}
