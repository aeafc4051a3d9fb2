import { Operation } from '../protocol/operations.js';
import type { Scenario } from './schema.js';

/**
 * The scenarios that ship with the host, as data in the same format as the user's own. They
 * cannot be replaced or deleted; a user copies one under another id to change it.
 */
export const builtInScenarios: readonly Scenario[] = [
  {
    id: 'signed-out-overnight',
    title: 'Signed out overnight',
    description:
      'Every user\u2019s OAuth access and refresh tokens and WOPI tokens expire now, and a refresh is refused with invalid_grant: ' +
      'the client has to sign in again, as on the morning after its refresh token ran out.',
    config: { oauth: { refreshTokens: { reuse: 'reject' } } },
    actions: [{ kind: 'expireTokens', userId: '*', kinds: ['access', 'refresh', 'wopi'] }],
  },
  {
    id: 'host-under-maintenance',
    title: 'Host under maintenance',
    description:
      'Every request answers 503 with Retry-After: 120, except signing in and the certificate set-up pages, ' +
      'so a client that backs off and comes back can be watched doing it.',
    faults: [
      {
        operation: '*',
        exceptOperations: [Operation.Authorize, Operation.Token, Operation.CaCertificate, Operation.CaMobileConfig, Operation.DeviceSetup],
        status: 503,
        retryAfter: 120,
      },
    ],
  },
  {
    id: 'another-device-is-editing',
    title: 'Another device is editing',
    description:
      'Another editor takes the lock on every file of every user, so the client\u2019s next PutFile or Lock gets 409 with the other lock. ' +
      'Removing the scenario gives each file back the lock it had.',
    actions: [{ kind: 'anotherEditor', fileId: '*', action: 'lock' }],
  },
];

export function isBuiltIn(id: string): boolean {
  return builtInScenarios.some((s) => s.id === id);
}
