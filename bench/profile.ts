import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
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
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const inPackage = /node_modules\/(.+)$/.exec(path);
  const inRepo = /\/dist\/(.+)$/.exec(path);
  const shown = inPackage ? inPackage[1]! : inRepo ? `dist/${inRepo[1]!}` : path;
  // cpuprofile lines are 0-based.
  return `${shown}:${line + 1}`;
}

/** Self time per function (summed over every call site), the biggest first, as a share of all samples. */
export async function hotSpots(file: string, top: number): Promise<{ spots: HotSpot[]; byFile: HotSpot[]; samples: number }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const perFunction = new Map<string, { name: string; where: string; hits: number }>();
  const perFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? node.hitCount ?? 0;
    if (count === 0) continue;
    total += count;
    const where = shortLocation(node.callFrame.url, node.callFrame.lineNumber);
    const name = node.callFrame.functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const entry = perFunction.get(key) ?? { name, where, hits: 0 };
    entry.hits += count;
    perFunction.set(key, entry);
    const fileKey = where === '' ? name : where.replace(/:\d+$/, '');
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + count);
  }
  const percent = (n: number) => (total === 0 ? 0 : (100 * n) / total);
  const spots = [...perFunction.values()].sort((a, b) => b.hits - a.hits).slice(0, top).map((e) => ({ name: e.name, where: e.where, selfPercent: percent(e.hits) }));
  const byFile = [...perFile.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([where, n]) => ({ name: '', where, selfPercent: percent(n) }));
  return { spots, byFile, samples: total };
}
