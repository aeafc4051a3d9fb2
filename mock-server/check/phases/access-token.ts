import { randomBytes } from 'node:crypto';
import type { RuleId } from '../../analysis/rulebook.js';
import { EcosystemOperation } from '../../protocol/headers.js';
import { Operation } from '../../protocol/operations.js';
import { asObject, stringAt, withToken, wopiSrcOf, type CheckRun } from '../run.js';

export const accessTokenRules: readonly RuleId[] = [
  'wopi-src-not-found',
  'wopi-src-other-user',
  'access-token-info',
  'access-token-expiry-seconds',
  'access-token-expiry-past',
  'access-token-scope',
];

/** A second account's first file, found by the same browse Office does, for the other-user probe. */
async function otherUsersWopiSrc(run: CheckRun, token: string): Promise<string | string[]> {
  const headers: Array<[string, string]> = [
    ['Authorization', `Bearer ${token}`],
    ['X-WOPI-EcosystemOperation', EcosystemOperation.GetRootContainer],
  ];
  const root = await run.client.send({
    operation: Operation.GetRootContainerBootstrapper,
    method: 'POST',
    url: run.bootstrapperUrl,
    headers,
  });
  const rootUrl = stringAt(root.json(), 'RootContainerInfo', 'ContainerPointer', 'Url');
  if (!rootUrl) return [`the second account's GET_ROOT_CONTAINER answered ${root.status} without a container`];
  const url = new URL(rootUrl);
  url.pathname = url.pathname.replace(/\/+$/, '') + '/children';
  const listing = await run.client.send({ operation: Operation.EnumerateChildren, method: 'GET', url: url.href });
  const files = asObject(listing.json())?.['ChildFiles'];
  const first = Array.isArray(files) ? stringAt(files[0], 'Url') : undefined;
  return first ? wopiSrcOf(first) : [`the second account's root container lists no file`];
}

/** GetNewAccessToken: 404 for every WopiSrc that is not the user's, and a token in milliseconds for one that is. */
export async function accessTokenPhase(run: CheckRun): Promise<void> {
  const { ledger, found } = run;
  const ask = (wopiSrc: string | undefined, token = found.accessToken) =>
    run.send(
      {
        operation: Operation.GetNewAccessToken,
        method: 'POST',
        url: run.bootstrapperUrl,
        headers: [
          ...run.bearer(token),
          ['X-WOPI-EcosystemOperation', EcosystemOperation.GetNewAccessToken],
          ...(wopiSrc === undefined ? [] : ([['X-WOPI-WopiSrc', wopiSrc]] as Array<[string, string]>)),
        ],
      },
      'access-token-info',
    );
  const fileUrl = found.fileUrl;
  const unknown = fileUrl ? wopiSrcOf(fileUrl).replace(/[^/]+$/, `no-such-file-${randomBytes(6).toString('hex')}`) : undefined;
  const probes: Array<[string, string | undefined]> = [
    ['no X-WOPI-WopiSrc', undefined],
    ['an X-WOPI-WopiSrc that is not a URL', 'not a url'],
    ...(unknown ? ([['an unknown WopiSrc', unknown]] as Array<[string, string]>) : []),
  ];
  for (const [what, wopiSrc] of probes) {
    const answer = await ask(wopiSrc);
    if (answer)
      ledger.expect(
        'wopi-src-not-found',
        answer.status === 404,
        `GET_NEW_ACCESS_TOKEN with ${what} answered ${answer.status}; it must be 404.`,
        answer.entry,
      );
  }

  if (run.options.secondAccessToken) {
    const theirs = await otherUsersWopiSrc(run, run.options.secondAccessToken).catch((error: Error) => [error.message]);
    if (typeof theirs === 'string') {
      const answer = await ask(theirs);
      if (answer)
        ledger.expect(
          'wopi-src-other-user',
          answer.status === 404,
          `GET_NEW_ACCESS_TOKEN for another user's file answered ${answer.status}; it must be 404.`,
          answer.entry,
        );
    } else ledger.skip(['wopi-src-other-user'], theirs[0]!);
  } else ledger.skip(['wopi-src-other-user'], 'needs a second account (--second-access-token)');

  if (!fileUrl) {
    ledger.skip(
      ['access-token-info', 'access-token-expiry-seconds', 'access-token-expiry-past', 'access-token-scope'],
      'no file was found to ask a token for',
    );
    return;
  }
  const answer = await ask(wopiSrcOf(fileUrl));
  if (!answer) return;
  const info = asObject(asObject(answer.json())?.['AccessTokenInfo']);
  const token = info?.['AccessToken'];
  const expiry = info?.['AccessTokenExpiry'];
  if (
    !ledger.expect(
      'access-token-info',
      answer.status === 200 && typeof token === 'string',
      `GET_NEW_ACCESS_TOKEN for a real file answered ${answer.status} without AccessTokenInfo.AccessToken.`,
      answer.entry,
    )
  ) {
    ledger.skip(['access-token-expiry-past', 'access-token-scope'], 'no AccessTokenInfo came back');
    return;
  }
  run.redactor.add(token as string);
  if (ledger.hasFailed('access-token-expiry-seconds'))
    ledger.skip(
      ['access-token-expiry-past'],
      'AccessTokenExpiry reads as seconds (access-token-expiry-seconds), so as milliseconds it lies in 1970',
    );
  else if (typeof expiry === 'number' && expiry !== 0)
    ledger.expect(
      'access-token-expiry-past',
      expiry > Date.now(),
      `AccessTokenExpiry ${expiry} (${new Date(expiry).toISOString()}) is not in the future.`,
      answer.entry,
    );
  else ledger.skip(['access-token-expiry-past'], 'AccessTokenExpiry is 0 (unknown) or not a number');

  const opens = await run.send(
    { operation: Operation.CheckFileInfo, method: 'GET', url: withToken(wopiSrcOf(fileUrl), token as string) },
    'access-token-scope',
  );
  if (opens)
    ledger.expect(
      'access-token-scope',
      opens.status === 200,
      `The new token got ${opens.status} from CheckFileInfo on its own file.`,
      opens.entry,
    );
  const other = found.otherResource;
  if (other) {
    const isFile = other.kind === 'file';
    const elsewhere = await run.send(
      {
        operation: isFile ? Operation.CheckFileInfo : Operation.CheckContainerInfo,
        method: 'GET',
        url: withToken(wopiSrcOf(other.url), token as string),
      },
      'access-token-scope',
    );
    if (elsewhere)
      ledger.expect(
        'access-token-scope',
        elsewhere.status === 401 || elsewhere.status === 404,
        `The token issued for one file opened another resource (${elsewhere.status}); it must be scoped to its file.`,
        elsewhere.entry,
      );
  }
}
