import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Route, WopiHeader } from '../protocol/headers.js';
import { parseShareScope, parseShareUrlType, shareScope, type SharedItem } from '../protocol/share-url.js';
import type { ResourceKind } from '../protocol/wopi-src.js';
import { epochSecondsToMs, type EpochMilliseconds } from '../protocol/time.js';
import { notImplemented } from '../errors.js';
import { authenticate } from '../tokens/authenticate.js';
import type { MockUser } from '../state/config-schema.js';
import type { ResourceRecord } from '../storage/file-store.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { issueWopiToken } from './grants.js';
import { requireResource } from './wopi-access.js';
import { renderShareError, renderSharedContainer, renderSharedFile, sharePagePolicy } from './share-page.js';

/**
 * GetShareUrl for files and containers, and the page the URL leads to. The URL carries a token the
 * engine signs like any other (a WOPI token whose scope only the share page accepts), expiring with
 * the token of the GetShareUrl request and revoked with its user.
 */

function shareUrl(origin: string, token: string): string {
  return `${origin}${Route.Share}/${encodeURIComponent(token)}`;
}

type Opened =
  | { ok: true; user: MockUser; item: SharedItem; record: ResourceRecord; expiresAtMs: EpochMilliseconds }
  | { ok: false; status: number; title: string; detail: string };

export function shareHandlers(context: HostContext) {
  const getShareUrl =
    (kind: ResourceKind): Handler =>
    async (req, res, call) => {
      const { user, record, inherited } = requireResource(call, context, kind);
      const type = parseShareUrlType(req.headers[WopiHeader.UrlType]);
      if (!type.ok) throw notImplemented(type.reason);
      // Spec (token trading): a token minted from a WOPI token keeps its expiry.
      const { token } = await issueWopiToken(context, user, shareScope({ type: type.type, kind, id: record.id }), inherited);
      res.json({ ShareUrl: shareUrl(context.origin(), token) });
    };

  /** Checks the link's token and finds what it shares; a failure says what to tell the visitor. */
  const open = async (req: Request, call: Call): Promise<Opened> => {
    const notALink: Opened = {
      ok: false,
      status: 404,
      title: 'No such share link',
      detail: 'This address is not a share link of this host.',
    };
    let token: string;
    try {
      token = decodeURIComponent(req.path.split('/')[2] ?? '');
    } catch {
      return notALink;
    }
    const verified = await context.tokens.verify('wopi', token);
    if (!verified.ok)
      return verified.failure === 'expired'
        ? { ok: false, status: 410, title: 'Share link expired', detail: 'This share link has expired. Ask the owner for a new one.' }
        : notALink;
    const auth = await authenticate('wopi', token, context);
    if (!auth.ok) {
      call.userId = auth.userId;
      return { ok: false, status: 410, title: 'Share link revoked', detail: `This share link no longer works: ${auth.reason}.` };
    }
    call.userId = auth.user.id;
    const item = parseShareScope(auth.claims.res);
    if (!item) return { ...notALink, detail: `This address carries a token for ${auth.claims.res}, not a share link.` };
    const record = context.files.getOwned(item.kind, item.id, auth.user.id);
    if (!record)
      return {
        ok: false,
        status: 404,
        title: 'Shared item not found',
        detail: `The shared ${item.kind === 'file' ? 'file' : 'folder'} no longer exists.`,
      };
    return { ok: true, user: auth.user, item, record, expiresAtMs: epochSecondsToMs(auth.claims.exp) };
  };

  const refuse = (res: Response, call: Call, failure: Extract<Opened, { ok: false }>) => {
    call.notes.push(failure.detail);
    res.status(failure.status).type('html').send(renderShareError(failure.title, failure.detail));
  };

  const sharePage: Handler = async (req, res, call) => {
    pageHeaders(res);
    if (!allowGet(req, res, call)) return;
    const opened = await open(req, call);
    if (!opened.ok) return refuse(res, call, opened);
    const { user, item, record, expiresAtMs } = opened;
    const input = { type: item.type, owner: { id: user.id, friendlyName: user.friendlyName }, expiresAtMs };
    call.notes.push(`${item.type} share link to ${item.kind} ${record.id} (${record.name})`);
    const html =
      record.kind === 'file'
        ? renderSharedFile(record, `${req.path.replace(/\/$/, '')}/content`, input)
        : renderSharedContainer(record, context.files.children(record.id), input);
    res.status(200).type('html').send(html);
  };

  const shareDownload: Handler = async (req, res, call) => {
    pageHeaders(res);
    if (!allowGet(req, res, call)) return;
    const opened = await open(req, call);
    if (!opened.ok) return refuse(res, call, opened);
    if (opened.record.kind !== 'file')
      return refuse(res, call, {
        ok: false,
        status: 404,
        title: 'Nothing to download',
        detail: 'A shared folder has no download; open its page instead.',
      });
    const content = await context.files.openContent(opened.record.id, opened.user.id);
    if (!content)
      return refuse(res, call, { ok: false, status: 404, title: 'Shared item not found', detail: 'The shared file no longer exists.' });
    res.status(200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(content.record.size));
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(content.record.name)}`);
    if (req.method === 'HEAD') {
      content.stream.destroy();
      return void res.end();
    }
    await pipeline(content.stream, res);
  };

  return { getShareUrlFile: getShareUrl('file'), getShareUrlContainer: getShareUrl('container'), sharePage, shareDownload };
}

/** The link is a secret: no referrer, no caching, no framing, nothing loaded from elsewhere. */
function pageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', sharePagePolicy);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

function allowGet(req: Request, res: Response, call: Call): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.setHeader('Allow', 'GET, HEAD');
  call.notes.push(`${req.method} is not allowed on a share link`);
  res
    .status(405)
    .type('html')
    .send(renderShareError('Method not allowed', `A share link is opened with GET, not ${req.method}.`));
  return false;
}
