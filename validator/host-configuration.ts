import { allCapabilities, describeCapabilities, type Capabilities, type Capability } from '../mock-server/protocol/capabilities.js';
import type { TestCaseDefinition, ValidatorDefinition } from './model.js';

/**
 * Which mock host configuration satisfies a test group's prerequisites. Some groups test a host
 * WITHOUT a feature (PutRelativeFileUnsupported needs `UserCanNotWriteRelative: true`,
 * RenameFileIfCreateChildFileIsNotSupported needs `SupportsContainers: false`); the mock can be
 * switched to lack exactly those features (config `capabilities`). The settings are read from what
 * the prerequisites check in CheckFileInfo, not from group names, so a new TestCases.xml is read
 * the same way.
 */

/** CheckFileInfo properties that a capability switch decides, and their value while it is on. */
const decidedBy: Record<string, { capability: Capability; whenOn: boolean }> = {
  SupportsContainers: { capability: 'containers', whenOn: true },
  UserCanNotWriteRelative: { capability: 'putRelativeFile', whenOn: false },
};

export interface HostRequirements {
  /** The switches the prerequisites ask for; absent ones stay as the defaults (on). */
  capabilities: Partial<Capabilities>;
  /** Switches the prerequisites ask for both ways; left at their defaults. */
  conflicts: Capability[];
}

export function hostRequirements(prerequisites: readonly TestCaseDefinition[]): HostRequirements {
  const wanted = new Map<Capability, Set<boolean>>();
  for (const prerequisite of prerequisites) {
    for (const request of prerequisite.requests) {
      if (request.operation !== 'CheckFileInfo') continue;
      for (const { name, expected } of booleanExpectations(request.validators ?? [])) {
        const decision = decidedBy[name];
        if (!decision) continue;
        const values = wanted.get(decision.capability) ?? new Set<boolean>();
        values.add(expected === decision.whenOn);
        wanted.set(decision.capability, values);
      }
    }
  }
  const capabilities: Partial<Capabilities> = {};
  const conflicts: Capability[] = [];
  for (const [capability, values] of wanted) {
    if (values.size > 1) conflicts.push(capability);
    else capabilities[capability] = [...values][0]!;
  }
  return { capabilities, conflicts };
}

/**
 * Boolean property checks every response must pass: top level and inside `And`. A check inside an
 * `Or` is one choice among others, so it demands nothing.
 */
function booleanExpectations(validators: readonly ValidatorDefinition[]): Array<{ name: string; expected: boolean }> {
  return validators.flatMap((validator) => {
    if (validator.kind === 'And') return booleanExpectations(validator.validators);
    if (validator.kind !== 'JsonResponseContent' || !validator.shouldExist) return [];
    return validator.properties.flatMap((property) => {
      if (property.kind !== 'BooleanProperty' || property.expectedValue === undefined) return [];
      const value = property.expectedValue.trim().toLowerCase();
      return value === 'true' || value === 'false' ? [{ name: property.name, expected: value === 'true' }] : [];
    });
  });
}

/** The full set of switches for a group: the defaults with the requirements applied. */
export function capabilitiesFor(requirements: HostRequirements): Capabilities {
  return { ...allCapabilities, ...requirements.capabilities };
}

/** How the report names a configuration: `defaults`, or the switches that are off (`capabilities.containers=false`). */
export function describeHostConfiguration(capabilities: Capabilities): string {
  return describeCapabilities(capabilities) || 'defaults';
}
