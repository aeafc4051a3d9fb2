import type { MockUser } from '../state/config-schema.js';

/** The parameters Office sends to the authorization endpoint (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/scenarios/operational-flows), shown to the person signing in. */
const officeAuthorizeParameters = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'rs', 'build', 'platform'] as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const styles = `
:root { color-scheme: light dark; --accent: #2b579a; --muted: #4b5563; --border: #d1d5db; --card: #fff; --bg: #f3f4f6; }
@media (prefers-color-scheme: dark) { :root { --accent: #7aa7ff; --muted: #9ca3af; --border: #374151; --card: #111827; --bg: #030712; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); }
main { max-width: 34rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
p.lead { color: var(--muted); margin: 0 0 1.25rem; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1rem; margin-bottom: 1rem; }
.users { display: grid; gap: .5rem; }
button { font: inherit; cursor: pointer; border-radius: 8px; padding: .75rem 1rem; text-align: left; width: 100%; }
button.user { border: 1px solid var(--border); background: transparent; color: inherit; display: flex; flex-direction: column; }
button.user:hover, button.user:focus-visible { border-color: var(--accent); outline: 2px solid var(--accent); outline-offset: 1px; }
button.user small { color: var(--muted); }
button.deny { border: 1px solid var(--border); background: transparent; color: inherit; text-align: center; }
table { border-collapse: collapse; width: 100%; font-size: .875rem; }
th, td { text-align: left; padding: .25rem .5rem .25rem 0; vertical-align: top; word-break: break-all; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; word-break: normal; }
.absent { color: var(--muted); font-style: italic; }
.error { border-color: #dc2626; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export interface SignInPageInput {
  providerId: string;
  users: readonly MockUser[];
  /** Every query parameter received, echoed back as hidden fields so the POST carries them. */
  received: ReadonlyArray<[string, string]>;
  error?: string;
}

/** The mock's authorization page: pick a mock user (no password) or deny. */
export function renderSignInPage(input: SignInPageInput): string {
  const hidden = input.received
    .filter(([name]) => name !== 'user' && name !== 'action')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const lookup = new Map(input.received.map(([name, value]) => [name.toLowerCase(), value]));
  const rows = officeAuthorizeParameters
    .map((name) => {
      const value = lookup.get(name);
      return `<tr><th scope="row">${name}</th><td>${value === undefined ? '<span class="absent">not sent</span>' : value === '' ? '<span class="absent">(empty)</span>' : escapeHtml(value)}</td></tr>`;
    })
    .join('');
  const users =
    input.users.length === 0
      ? '<p>No mock users are configured. Add one in the WOPI Mock Host app or its config.</p>'
      : input.users
          .map(
            (user) =>
              `<button class="user" type="submit" name="user" value="${escapeHtml(user.id)}"><strong>${escapeHtml(user.friendlyName || user.id)}</strong><small>${escapeHtml(user.signInName)} · id ${escapeHtml(user.id)}</small></button>`,
          )
          .join('');
  return page(
    'Sign in · WOPI Mock Host',
    `<h1>Sign in to ${escapeHtml(input.providerId || 'WOPI Mock Host')}</h1>
<p class="lead">WOPI Mock Host: choose a mock user. No password is needed.</p>
${input.error ? `<div class="card error" role="alert">${escapeHtml(input.error)}</div>` : ''}
<form method="post" class="card" aria-label="Sign in">
${hidden}
<div class="users" role="group" aria-label="Mock users">${users}</div>
</form>
<form method="post" class="card">
${hidden}
<button class="deny" type="submit" name="action" value="deny">Deny access</button>
</form>
<section class="card" aria-label="Parameters received from Office">
<table><caption style="text-align:left;font-weight:600;padding-bottom:.25rem">Parameters received</caption>${rows}</table>
</section>`,
  );
}

export function renderErrorPage(status: number, detail: string): string {
  return page(
    `Error ${status} · WOPI Mock Host`,
    `<h1>Sign-in cannot continue</h1>
<div class="card error" role="alert"><p><strong>${status}</strong>: ${escapeHtml(detail)}</p>
<p>The mock host did not redirect, because the request's client or redirect_uri cannot be trusted (RFC 6749 §4.1.2.1).</p></div>`,
  );
}
