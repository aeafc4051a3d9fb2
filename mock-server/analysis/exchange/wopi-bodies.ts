import { officeSafeName } from '../../protocol/file-names.js';
import { Operation, type OperationName } from '../../protocol/operations.js';
import type { LogEntry } from '../../log/entry.js';
import { bearerToken, insightOf, queryOf } from '../token-insight.js';
import { missing, object, type Json, type Report } from './check.js';
import { jsonAnswers, type JsonAnswerRules } from './json-answer.js';

const table = new Map<OperationName, JsonAnswerRules>([
  [
    Operation.GetRootContainer,
    {
      rules: ['missing-property'],
      check(body, _entry, report) {
        const pointer = object(body, 'ContainerPointer');
        if (!pointer) report('missing-property', 'The answer has no ContainerPointer object; it is required.');
        else missing(pointer, ['Url', 'Name'], 'ContainerPointer', report);
      },
    },
  ],
  [
    Operation.CheckFileInfo,
    {
      rules: ['missing-property', 'mobile-required-property', 'property-type', 'office-invalid-characters', 'user-id-mismatch'],
      check(body, entry, report) {
        missing(body, ['BaseFileName', 'OwnerId', 'Size', 'UserId', 'Version'], 'CheckFileInfo', report);
        mobileRequired(body, 'CheckFileInfo', report);
        if ('Version' in body && typeof body['Version'] !== 'string') {
          report('property-type', `CheckFileInfo.Version is ${JSON.stringify(body['Version'])}; it must be a string.`);
        }
        if ('Size' in body && !Number.isInteger(body['Size'])) {
          report('property-type', `CheckFileInfo.Size is ${JSON.stringify(body['Size'])}; it must be a whole number of bytes.`);
        }
        officeNames(body, ['BaseFileName', 'UserId', 'OwnerId'], 'CheckFileInfo', report);
        const tokenUser = wopiTokenUser(entry);
        const userId = body['UserId'];
        // Spec: Bootstrap's UserId "should match the UserId value provided in CheckFileInfo"; the
        // token names the user Bootstrap was answered for, when it is one this host can read.
        if (tokenUser !== undefined && typeof userId === 'string' && userId !== tokenUser) {
          report(
            'user-id-mismatch',
            `CheckFileInfo.UserId is "${userId}" but the token was issued to "${tokenUser}", whose Bootstrap UserId that is.`,
          );
        }
      },
    },
  ],
  [
    Operation.CheckContainerInfo,
    {
      rules: ['missing-property', 'mobile-required-property', 'office-invalid-characters'],
      check(body, _entry, report) {
        missing(body, ['Name'], 'CheckContainerInfo', report);
        mobileRequired(body, 'CheckContainerInfo', report);
        officeNames(body, ['Name'], 'CheckContainerInfo', report);
      },
    },
  ],
  [
    Operation.EnumerateChildren,
    {
      rules: ['missing-property', 'child-url-without-token'],
      check(body, _entry, report) {
        for (const key of ['ChildContainers', 'ChildFiles']) {
          const children = body[key];
          if (!Array.isArray(children)) {
            report('missing-property', `EnumerateChildren has no ${key} array; both arrays must be present, even when empty.`);
            continue;
          }
          children.forEach((child: unknown, i) => {
            const url = child !== null && typeof child === 'object' ? (child as Json)['Url'] : undefined;
            if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || !queryOf(url)?.get('access_token')) {
              report('child-url-without-token', `${key}[${i}].Url is not an absolute URL with an access_token.`);
            }
          });
        }
      },
    },
  ],
]);

export const wopiBodies = jsonAnswers('WOPI answers', table);

function wopiTokenUser(entry: LogEntry): string | undefined {
  const token = queryOf(entry.url)?.get('access_token') ?? bearerToken(entry);
  const insight = token ? insightOf(token, Date.parse(entry.time)) : undefined;
  return insight?.kind === 'wopi' && insight.userId !== null ? insight.userId : undefined;
}

function mobileRequired(body: Json, what: string, report: Report): void {
  for (const key of ['IsEduUser', 'LicenseCheckForEditIsEnabled']) {
    if (typeof body[key] !== 'boolean') report('mobile-required-property', `${what} has no boolean ${key}; Office mobile requires it.`);
  }
}

function officeNames(body: Json, keys: readonly string[], what: string, report: Report): void {
  for (const key of keys) {
    const value = body[key];
    if (typeof value === 'string' && officeSafeName(value) !== value) {
      report(
        'office-invalid-characters',
        `${what}.${key} "${value}" contains characters Office for iOS cannot load (\\ / : * ? " < > | # { } ^ [ ] \` %).`,
      );
    }
  }
}
