import { Operation, type OperationName } from './operations.js';

/**
 * Features the host can be told to lack (config `capabilities`), so a client can be tried against
 * a host without them: CheckFileInfo stops declaring the feature and its operations answer as the
 * spec says for a host that does not implement them. Everything is on by default.
 */
export interface Capabilities {
  putRelativeFile: boolean;
  containers: boolean;
}
export type Capability = keyof Capabilities;

export const allCapabilities: Readonly<Capabilities> = { putRelativeFile: true, containers: true };

/** How a switched-off operation is answered: 501, or (a bootstrapper shortcut) as a plain Bootstrap. */
export interface SwitchedOff {
  capability: Capability;
  answer: 'not-implemented' | 'bootstrap';
}

// Spec (CheckFileInfo, SupportsContainers): CheckContainerInfo, CreateChildContainer, CreateChildFile,
// DeleteContainer, DeleteFile, EnumerateAncestors (containers and files), EnumerateChildren,
// GetEcosystem (containers), RenameContainer. DeleteFile stays: SupportsDeleteFile declares it on its
// own. GetRootContainer and GetShareUrl (containers) hand out containers, so they go too.
const containerOperations: ReadonlySet<OperationName> = new Set([
  Operation.CheckContainerInfo,
  Operation.CreateChildContainer,
  Operation.CreateChildFile,
  Operation.DeleteContainer,
  Operation.EnumerateAncestorsContainer,
  Operation.EnumerateAncestorsFile,
  Operation.EnumerateChildren,
  Operation.GetEcosystemContainer,
  Operation.RenameContainer,
  Operation.GetRootContainer,
  Operation.GetShareUrlContainer,
]);

/** Whether the capabilities take the operation away, and how it is answered then. */
export function switchedOff(operation: OperationName, capabilities: Capabilities): SwitchedOff | null {
  // Spec (PutRelativeFile): a host that does not implement it sets UserCanNotWriteRelative and answers 501.
  if (!capabilities.putRelativeFile && operation === Operation.PutRelativeFile)
    return { capability: 'putRelativeFile', answer: 'not-implemented' };
  if (!capabilities.containers) {
    // Spec (bootstrapper shortcuts): a shortcut the host does not implement is answered as a standard Bootstrap.
    if (operation === Operation.GetRootContainerBootstrapper) return { capability: 'containers', answer: 'bootstrap' };
    if (containerOperations.has(operation)) return { capability: 'containers', answer: 'not-implemented' };
  }
  return null;
}

/** The log note for a request a switch took away. */
export function explainSwitchedOff(operation: OperationName, off: SwitchedOff): string {
  const because = `capabilities.${off.capability} is false`;
  return off.answer === 'bootstrap' ? `${operation} answered as a plain Bootstrap: ${because}` : `${operation} is switched off: ${because}`;
}

/** The config path form of the switches that are off, e.g. `capabilities.containers=false`; "" when all are on. */
export function describeCapabilities(capabilities: Capabilities): string {
  return (Object.keys(allCapabilities) as Capability[])
    .filter((name) => !capabilities[name])
    .map((name) => `capabilities.${name}=false`)
    .join(', ');
}
