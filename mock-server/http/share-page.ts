import type { ShareUrlType } from '../protocol/share-url.js';
import type { ContainerRecord, FileRecord } from '../storage/file-store.js';
import { escapeHtml } from './signin-page.js';

/** The pages a share URL opens: what is shared, by whom, with which rights; or why the link does not work. */

export const sharePagePolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const styles = `
:root { color-scheme: light dark; --accent: #2b579a; --on-accent: #fff; --muted: #4b5563; --border: #d1d5db; --card: #fff; --bg: #f3f4f6; }
@media (prefers-color-scheme: dark) { :root { --accent: #7aa7ff; --on-accent: #030712; --muted: #9ca3af; --border: #374151; --card: #111827; --bg: #030712; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; word-break: break-word; }
p.lead { color: var(--muted); margin: 0 0 1.25rem; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1rem; margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .75rem .3rem 0; vertical-align: top; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; }
td.size { text-align: right; white-space: nowrap; }
.access { display: inline-block; border-radius: 999px; padding: .1rem .6rem; border: 1px solid var(--accent); color: var(--accent); font-size: .85rem; }
a.download { display: inline-block; margin-top: .5rem; padding: .6rem 1rem; border-radius: 8px; background: var(--accent); color: var(--on-accent); text-decoration: none; }
.empty { color: var(--muted); font-style: italic; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

function formatSize(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
}

const accessText: Record<ShareUrlType, { badge: string; explanation: string }> = {
  ReadOnly: { badge: 'Read-only link', explanation: 'Anyone with this link can view and download it, not change it.' },
  ReadWrite: { badge: 'Read-write link', explanation: 'Anyone with this link can view and edit it.' },
};

export interface SharePageInput {
  type: ShareUrlType;
  owner: { id: string; friendlyName: string };
  /** When the link stops working, ms since the epoch. */
  expiresAtMs: number;
}

function header(kindLabel: string, name: string, input: SharePageInput): string {
  const access = accessText[input.type];
  return `<p class="lead">${kindLabel} shared by ${escapeHtml(input.owner.friendlyName || input.owner.id)} (${escapeHtml(input.owner.id)}) from the WOPI Mock Host</p>
<h1 id="name">${escapeHtml(name)}</h1>
<p><span class="access" id="access">${access.badge}</span> ${access.explanation}</p>`;
}

function footer(input: SharePageInput): string {
  return `<p class="lead">This link works until <time id="expires" datetime="${new Date(input.expiresAtMs).toISOString()}">${new Date(input.expiresAtMs).toISOString()}</time>, or until the owner's tokens are revoked.</p>`;
}

export function renderSharedFile(file: FileRecord, downloadHref: string, input: SharePageInput): string {
  return page(
    `${file.name} (shared)`,
    `${header('File', file.name, input)}
<section class="card">
<table>
<tr><th scope="row">Owner</th><td id="owner">${escapeHtml(input.owner.friendlyName || input.owner.id)}</td></tr>
<tr><th scope="row">Size</th><td id="size">${formatSize(file.size)}</td></tr>
<tr><th scope="row">Version</th><td id="version">${escapeHtml(String(file.version))}</td></tr>
<tr><th scope="row">Last modified</th><td id="modified">${escapeHtml(file.lastModifiedTime)}</td></tr>
</table>
<a class="download" id="download" href="${escapeHtml(downloadHref)}" download="${escapeHtml(file.name)}">Download</a>
</section>
${footer(input)}`,
  );
}

export function renderSharedContainer(
  container: ContainerRecord,
  children: { containers: ContainerRecord[]; files: FileRecord[] },
  input: SharePageInput,
): string {
  const rows = [
    ...children.containers.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>folder</td><td class="size"></td></tr>`),
    ...children.files.map((f) => `<tr><td>${escapeHtml(f.name)}</td><td>file</td><td class="size">${formatSize(f.size)}</td></tr>`),
  ];
  return page(
    `${container.name} (shared)`,
    `${header('Folder', container.name, input)}
<section class="card">
<table id="children">
<thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Size</th></tr></thead>
<tbody>${rows.length > 0 ? rows.join('\n') : '<tr><td class="empty" colspan="3">This folder is empty.</td></tr>'}</tbody>
</table>
</section>
${footer(input)}`,
  );
}

export function renderShareError(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p class="lead" id="detail">${escapeHtml(detail)}</p>`);
}
