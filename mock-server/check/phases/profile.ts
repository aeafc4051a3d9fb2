import type { RuleId } from '../../analysis/rulebook.js';
import { EcosystemOperation } from '../../protocol/headers.js';
import { Operation, type OperationName } from '../../protocol/operations.js';
import type { Exchange } from '../client.js';
import { stringAt, type CheckRun } from '../run.js';

export const profileRules: readonly RuleId[] = [
  'bootstrap-authenticated',
  'bootstrap-colon-form',
  'user-id-stable',
  'shortcut-not-implemented',
  'root-container-missing',
];

const operationHeader = 'X-WOPI-EcosystemOperation';

/**
 * The authenticated Bootstrap in both Authorization forms, the shortcut operations, and the same
 * user id every time. The Bootstrap object's own rules come from the spec check of each answer.
 */
export async function profilePhase(run: CheckRun): Promise<void> {
  const { ledger, found } = run;
  const token = found.accessToken!;
  const userIds: Array<[string, Exchange]> = [];
  const keep = (exchange: Exchange | null, what: string) => {
    const id = exchange?.status === 200 ? stringAt(exchange.json(), 'Bootstrap', 'UserId') : undefined;
    if (exchange && id !== undefined) userIds.push([`${what}: ${id}`, exchange]);
    return exchange;
  };
  const bootstrap = (operation: OperationName, method: 'GET' | 'POST', headers: Array<[string, string]>) =>
    run.send({ operation, method, url: run.bootstrapperUrl, headers }, 'bootstrap-authenticated');

  const plain = keep(await bootstrap(Operation.Bootstrap, 'GET', [['Authorization', `Bearer ${token}`]]), 'GET with "Bearer <token>"');
  if (plain) {
    ledger.expect(
      'bootstrap-authenticated',
      plain.status === 200,
      `GET with a fresh OAuth token answered ${plain.status}; it must be 200.`,
      plain.entry,
    );
    found.userId = stringAt(plain.json(), 'Bootstrap', 'UserId');
    found.ecosystemUrl = stringAt(plain.json(), 'Bootstrap', 'EcosystemUrl');
  }
  const colon = keep(await bootstrap(Operation.Bootstrap, 'GET', [['Authorization', `Bearer: ${token}`]]), 'GET with "Bearer: <token>"');
  if (colon)
    ledger.expect(
      'bootstrap-colon-form',
      colon.status === 200,
      `GET with "Authorization: Bearer: <token>" (the form the spec's example shows) answered ${colon.status}; accept both forms.`,
      colon.entry,
    );

  for (const [what, headers] of [
    ['POST without X-WOPI-EcosystemOperation', []],
    ['POST with an unknown X-WOPI-EcosystemOperation', [[operationHeader, 'NOT_A_REAL_OPERATION']]],
  ] as Array<[string, Array<[string, string]>]>) {
    const answer = keep(await bootstrap(Operation.Bootstrap, 'POST', [['Authorization', `Bearer ${token}`], ...headers]), what);
    if (!answer) continue;
    if (answer.status === 501)
      ledger.broken('shortcut-not-implemented', `${what} answered 501; answer it as a plain Bootstrap (200).`, answer.entry);
    else
      ledger.expect(
        'shortcut-not-implemented',
        answer.status === 200,
        `${what} answered ${answer.status}; it must be answered as a plain Bootstrap (200).`,
        answer.entry,
      );
  }

  const root = keep(
    await bootstrap(Operation.GetRootContainerBootstrapper, 'POST', [
      ['Authorization', `Bearer ${token}`],
      [operationHeader, EcosystemOperation.GetRootContainer],
    ]),
    'GET_ROOT_CONTAINER',
  );
  if (root) {
    const pointer = stringAt(root.json(), 'RootContainerInfo', 'ContainerPointer', 'Url');
    ledger.expect(
      'root-container-missing',
      root.status === 200 && pointer !== undefined,
      root.status === 200
        ? 'GET_ROOT_CONTAINER was answered as a plain Bootstrap, without RootContainerInfo.ContainerPointer; Office for iOS requires it.'
        : `GET_ROOT_CONTAINER answered ${root.status}; Office for iOS requires RootContainerInfo.ContainerPointer.`,
      root.entry,
    );
    if (pointer) found.rootContainerUrl = pointer;
  }

  const distinct = new Set(userIds.map(([what]) => what.slice(what.lastIndexOf(': ') + 2)));
  if (userIds.length >= 2)
    ledger.expect(
      'user-id-stable',
      distinct.size === 1,
      `Bootstrap.UserId changed between calls for one user: ${userIds.map(([what]) => what).join('; ')}.`,
      userIds.at(-1)![1].entry,
    );
  else ledger.skip(['user-id-stable'], 'fewer than two Bootstrap answers carried a UserId');
  if (!found.ecosystemUrl) found.ecosystemUrl = stringAt(colon?.json(), 'Bootstrap', 'EcosystemUrl');
}
