/** The screens, in navigation order; the hash `#/<path>` selects one. */
export const screens = [
  { path: 'overview', title: 'Overview' },
  { path: 'provider', title: 'Provider' },
  { path: 'users', title: 'Users' },
  { path: 'tokens', title: 'Token lifetimes' },
  { path: 'faults', title: 'Faults' },
  { path: 'behaviour', title: 'Host behaviour' },
  { path: 'proxy', title: 'Proxy' },
  { path: 'scenarios', title: 'Scenarios' },
  { path: 'log', title: 'Live log' },
  { path: 'flow', title: 'Flow' },
  { path: 'files', title: 'Files' },
  { path: 'check', title: 'Check a host' },
] as const;

export type ScreenPath = (typeof screens)[number]['path'];

export function screenFromHash(hash: string): ScreenPath {
  const path = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return screens.find((s) => s.path === path)?.path ?? 'overview';
}

export const hrefFor = (path: ScreenPath) => `#/${path}`;
