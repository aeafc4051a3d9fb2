import assert from 'node:assert/strict';
import { encode as encodeUtf7 } from 'utf7';
import { appendPath, browse, type Harness, type Reply } from './host-fixture.js';

/**
 * Helpers for the file-operation suites: WOPI POST overrides the way clients send them, and a
 * fresh file per test so tests do not depend on each other's locks and names.
 */

/** POST to a resource URL (with its token) with X-WOPI-Override and any extra headers. */
export function override(
  h: Harness,
  url: string,
  operation: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Reply> {
  return h.request('POST', url, { headers: { 'x-wopi-override': operation, ...headers }, ...(body !== undefined ? { body } : {}) });
}

export function putFile(h: Harness, fileUrl: string, body: string | Buffer, lock?: string): Promise<Reply> {
  return h.request('POST', appendPath(fileUrl, '/contents'), {
    headers: { 'x-wopi-override': 'PUT', ...(lock !== undefined ? { 'x-wopi-lock': lock } : {}) },
    body,
  });
}

export async function getFile(h: Harness, fileUrl: string): Promise<Reply> {
  return h.request('GET', appendPath(fileUrl, '/contents'));
}

/** The way the validator encodes name headers: UTF-7 (`_` becomes `+AF8-`). */
export function utf7(name: string): string {
  return encodeUtf7(name);
}

/** Alice's root container URL (with a container token) after a real sign-in. */
export async function aliceRoot(h: Harness): Promise<string> {
  const { access_token } = await h.signIn('alice');
  return (await browse(h, access_token)).rootUrl;
}

let counter = 0;

/** A new file in the container, optionally with content; returns its URL with a token. */
export async function newFile(
  h: Harness,
  containerUrl: string,
  content?: string | Buffer,
  name = `test-${++counter}.docx`,
): Promise<{ url: string; name: string }> {
  const created = await override(h, containerUrl, 'CREATE_CHILD_FILE', { 'x-wopi-relativetarget': utf7(name) });
  assert.equal(created.status, 200, created.text);
  const { Url, Name } = created.json();
  if (content !== undefined) assert.equal((await putFile(h, Url, content)).status, 200);
  return { url: Url, name: Name };
}

export async function fileInfo(h: Harness, fileUrl: string): Promise<Record<string, any>> {
  const reply = await h.request('GET', fileUrl);
  assert.equal(reply.status, 200, reply.text);
  return reply.json();
}
