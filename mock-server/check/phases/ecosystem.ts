import type { RuleId } from '../../analysis/rulebook.js';
import { Operation } from '../../protocol/operations.js';
import type { Exchange } from '../client.js';
import { asObject, stringAt, withPath, withToken, type CheckRun, type Json } from '../run.js';

export const ecosystemRules: readonly RuleId[] = [
  'check-ecosystem',
  'root-container-pointer',
  'bad-token-refused',
  'check-container-info',
  'enumerate-children',
  'enumerate-children-filter',
  'enumerate-ancestors',
  'child-url-without-token',
];
export const fileRules: readonly RuleId[] = ['user-id-mismatch', 'get-file-size', 'mobile-required-property'];

/** How many containers the checker opens looking for a file. */
const browseLimit = 12;

interface Child {
  name: string;
  url: string;
}

function children(exchange: Exchange | null, key: 'ChildFiles' | 'ChildContainers'): Child[] {
  const list = asObject(exchange?.json())?.[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const child = asObject(item);
    const name = child?.['Name'];
    const url = child?.['Url'];
    return typeof name === 'string' && typeof url === 'string' && URL.canParse(url) ? [{ name, url }] : [];
  });
}

function extensionOf(name: string): string | undefined {
  const at = name.lastIndexOf('.');
  return at > 0 ? name.slice(at) : undefined;
}

/** CheckEcosystem, the root container and its children, ancestors, then CheckFileInfo and GetFile on the first file. */
export async function ecosystemPhase(run: CheckRun): Promise<void> {
  const { ledger, found } = run;
  const ecosystemUrl = found.ecosystemUrl!;
  const get = (operation: (typeof Operation)[keyof typeof Operation], url: string, rule: RuleId, headers: Array<[string, string]> = []) =>
    run.send({ operation, method: 'GET', url, headers }, rule);
  const ok200 = (rule: RuleId, exchange: Exchange | null, what: string) =>
    exchange !== null &&
    ledger.expect(rule, exchange.status === 200, `${what} answered ${exchange.status}; it must be 200.`, exchange.entry);

  const ecosystem = await get(Operation.CheckEcosystem, ecosystemUrl, 'check-ecosystem');
  ok200('check-ecosystem', ecosystem, 'CheckEcosystem on the EcosystemUrl');

  const pointerUrl = withPath(ecosystemUrl, '/root_container_pointer');
  const pointer = await get(Operation.GetRootContainer, pointerUrl, 'root-container-pointer');
  if (ok200('root-container-pointer', pointer, 'GetRootContainer on EcosystemUrl + /root_container_pointer')) {
    const url = stringAt(pointer!.json(), 'ContainerPointer', 'Url');
    ledger.expect('root-container-pointer', url !== undefined, 'The answer has no ContainerPointer.Url.', pointer!.entry);
    found.rootContainerUrl ??= url;
  }

  const refused = await get(Operation.GetRootContainer, withToken(pointerUrl, 'not-a-valid-token'), 'bad-token-refused');
  if (refused)
    ledger.expect(
      'bad-token-refused',
      refused.status === 401 || refused.status === 404,
      `GetRootContainer with a made-up access_token answered ${refused.status}; it must be 401 or 404.`,
      refused.entry,
    );

  const rootUrl = found.rootContainerUrl;
  if (!rootUrl) {
    ledger.skip(
      [
        'check-container-info',
        'enumerate-children',
        'enumerate-children-filter',
        'enumerate-ancestors',
        'child-url-without-token',
        ...fileRules,
      ],
      'no root container URL (neither GET_ROOT_CONTAINER nor /root_container_pointer gave one)',
    );
    return;
  }
  const info = await get(Operation.CheckContainerInfo, rootUrl, 'check-container-info');
  ok200('check-container-info', info, 'CheckContainerInfo on the root container');

  // Browse breadth-first until a file turns up; every child URL is checked for its token on the way.
  const queue = [rootUrl];
  let firstFile: Child | undefined;
  let fileContainer: string | undefined;
  let otherFile: Child | undefined;
  for (let opened = 0; queue.length > 0 && opened < browseLimit && !otherFile; opened++) {
    const containerUrl = queue.shift()!;
    const listing = await get(Operation.EnumerateChildren, withPath(containerUrl, '/children'), 'enumerate-children');
    if (!ok200('enumerate-children', listing, 'EnumerateChildren')) break;
    for (const child of [...children(listing, 'ChildFiles'), ...children(listing, 'ChildContainers')])
      ledger.expect(
        'child-url-without-token',
        new URL(child.url).searchParams.get('access_token') !== null,
        `The Url of "${child.name}" carries no access_token.`,
        listing!.entry,
      );
    const files = children(listing, 'ChildFiles');
    if (!firstFile && files[0]) {
      firstFile = files[0];
      fileContainer = containerUrl;
      otherFile = files[1];
    } else if (firstFile && files[0]) otherFile = files[0];
    queue.push(...children(listing, 'ChildContainers').map((c) => c.url));
  }

  if (firstFile && fileContainer) {
    const extension = extensionOf(firstFile.name);
    if (extension) {
      const filtered = await get(Operation.EnumerateChildren, withPath(fileContainer, '/children'), 'enumerate-children-filter', [
        ['X-WOPI-FileExtensionFilterList', extension],
      ]);
      if (ok200('enumerate-children-filter', filtered, `EnumerateChildren with X-WOPI-FileExtensionFilterList: ${extension}`)) {
        const names = children(filtered, 'ChildFiles').map((f) => f.name);
        const strays = names.filter((name) => extensionOf(name)?.toLowerCase() !== extension.toLowerCase());
        ledger.expect(
          'enumerate-children-filter',
          strays.length === 0 && names.includes(firstFile.name),
          strays.length > 0
            ? `Filtering for ${extension} still listed ${strays.slice(0, 5).join(', ')}.`
            : `Filtering for ${extension} left out "${firstFile.name}".`,
          filtered!.entry,
        );
      }
    } else ledger.skip(['enumerate-children-filter'], `the first file, "${firstFile.name}", has no extension to filter on`);
  } else ledger.skip(['enumerate-children-filter'], 'no file was found to filter on');

  const ancestorsOf = firstFile ? withPath(firstFile.url, '/ancestry') : withPath(rootUrl, '/ancestry');
  const ancestors = await get(
    firstFile ? Operation.EnumerateAncestorsFile : Operation.EnumerateAncestorsContainer,
    ancestorsOf,
    'enumerate-ancestors',
  );
  if (ok200('enumerate-ancestors', ancestors, 'EnumerateAncestors')) {
    const list = asObject(ancestors!.json())?.['AncestorsWithRootFirst'];
    ledger.expect('enumerate-ancestors', Array.isArray(list), 'The answer has no AncestorsWithRootFirst array.', ancestors!.entry);
  }

  if (!firstFile) {
    ledger.skip(fileRules, `no file was found in the first ${browseLimit} containers`);
    return;
  }
  found.fileUrl = firstFile.url;
  found.otherResource = otherFile ? { url: otherFile.url, kind: 'file' } : { url: rootUrl, kind: 'container' };
  await filePhase(run, firstFile.url);
}

async function filePhase(run: CheckRun, fileUrl: string): Promise<void> {
  const { ledger, found } = run;
  const info = await run.send({ operation: Operation.CheckFileInfo, method: 'GET', url: fileUrl }, 'mobile-required-property');
  const body: Json | undefined = info?.status === 200 ? asObject(info.json()) : undefined;
  if (!info || !body) {
    ledger.skip(fileRules, info ? `CheckFileInfo on the first file answered ${info.status}` : 'CheckFileInfo got no answer');
    return;
  }
  const userId = body['UserId'];
  if (found.userId !== undefined)
    ledger.expect(
      'user-id-mismatch',
      userId === found.userId,
      `CheckFileInfo.UserId is ${JSON.stringify(userId)} but Bootstrap said "${found.userId}"; they must be the same.`,
      info.entry,
    );
  else ledger.skip(['user-id-mismatch'], 'Bootstrap gave no UserId to compare with');

  const size = body['Size'];
  const contents = await run.send({ operation: Operation.GetFile, method: 'GET', url: withPath(fileUrl, '/contents') }, 'get-file-size');
  if (contents && ledger.expect('get-file-size', contents.status === 200, `GetFile answered ${contents.status}.`, contents.entry))
    ledger.expect(
      'get-file-size',
      contents.body.length === size,
      `GetFile returned ${contents.body.length} bytes; CheckFileInfo.Size is ${JSON.stringify(size)}.`,
      contents.entry,
    );
}
