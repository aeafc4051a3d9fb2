import { Operation, type OperationName } from '../protocol/operations.js';
import { bootstrapperOperations } from '../protocol/classify.js';

/** Which credential an operation takes and how its errors are written. */
export type Family = 'bootstrapper' | 'authorize' | 'token' | 'wopi' | 'public';

export function familyOf(operation: OperationName): Family {
  if (bootstrapperOperations.has(operation)) return 'bootstrapper';
  switch (operation) {
    case Operation.Authorize:
      return 'authorize';
    case Operation.Token:
    case Operation.Revoke:
      return 'token';
    case Operation.CaCertificate:
    case Operation.CaMobileConfig:
    case Operation.DeviceSetup:
    case Operation.Unknown:
      return 'public';
    default:
      return 'wopi';
  }
}
