import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

export interface HotSpot {
  name: string;
  where: string;
  selfPercent: number;
}

/** Shortens a script URL to what a reader can find: a repo path, a package path or a node: module. */
function shortLocation(url: string, line: number): string {
  const path = url.replace(/^file:\/\//, '');
  const inPackage = /node_modules\/(.+)$/.exec(path);
  const inRepo = /\/dist\/(.+)$/.exec(path);
  const shown = inPackage ? inPackage[1]! : inRepo ? `dist/${inRepo[1]!}` : path;
  // cpuprofile lines are 0-based.
  return `${shown}:${line + 1}`;
}

/**
 * Self time per function (summed over its call sites), biggest first, as a share of all samples.
 * Native frames (TLS writes, crypto jobs) have no location of their own, so they are shown with
 * the JavaScript function that called them: "run" alone says nothing, "run ← jobPromise" does.
 */
export async function hotSpots(file: string, top: number): Promise<{ spots: HotSpot[]; byFile: HotSpot[]; samples: number }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);

  const describe = (node: ProfileNode): { name: string; where: string; file: string } => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    if (url !== '') {
      const where = shortLocation(url, lineNumber);
      return { name, where, file: where.replace(/:\d+$/, '') };
    }
    if (name.startsWith('(')) return { name, where: '', file: name };
    // Skip other natives and anonymous wrappers (promise executors) up to a function with a name.
    let caller = parentOf.get(node.id);
    while (caller && (caller.callFrame.url === '' || caller.callFrame.functionName === '')) caller = parentOf.get(caller.id);
    if (!caller) return { name: `${name} [native]`, where: '', file: `${name} [native]` };
    const where = shortLocation(caller.callFrame.url, caller.callFrame.lineNumber);
    return { name: `${name} [native] ← ${caller.callFrame.functionName || '(anonymous)'}`, where, file: `${name} [native]` };
  };

  const perFunction = new Map<string, { name: string; where: string; hits: number }>();
  const perFile = new Map<string, number>();
  let total = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    total += count;
    const { name, where, file: fileKey } = describe(node);
    const key = `${name}@${where}`;
    const entry = perFunction.get(key) ?? { name, where, hits: 0 };
    entry.hits += count;
    perFunction.set(key, entry);
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + count);
  }
  const percent = (n: number) => (total === 0 ? 0 : (100 * n) / total);
  const spots = [...perFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, selfPercent: percent(e.hits) }));
  const byFile = [...perFile.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, n]) => ({ name: '', where, selfPercent: percent(n) }));
  return { spots, byFile, samples: total };
}
