import { encode as encodeUtf7 } from 'utf7';

export { officeSafeName } from '../protocol/file-names.js';

/**
 * The text of a name header (X-WOPI-SuggestedTarget, X-WOPI-RelativeTarget, X-WOPI-RequestedName).
 * The spec sends these UTF-7 encoded; a client that sends raw UTF-8 instead reaches Node as
 * latin1 text, which is turned back into what it sent. Absent means undefined.
 */
// Spec (PutRelativeFile, CreateChildFile, RenameFile): "A UTF-7 encoded string".
export function nameHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const raw = Array.isArray(value) ? value.join(',') : value;
  const text = /[\x80-\xff]/.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
  return decodeUtf7(text);
}

/**
 * RFC 2152 UTF-7 decoding. The `utf7` package's decoder leaves `+` out of the base64 alphabet, so
 * a shifted run that starts with `+` (U+FB60 encodes as `++2A-`) decodes to garbage; its encoder
 * is right and stays in use.
 */
export function decodeUtf7(text: string): string {
  return text.replace(/\+([A-Za-z0-9+/]*)-?/g, (_, run: string) => {
    if (run === '') return '+';
    const bytes = Buffer.from(run, 'base64');
    let decoded = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) decoded += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return decoded;
  });
}

/** For X-WOPI-ValidRelativeTarget: UTF-7, so any name travels as a plain ASCII header. */
export function encodeNameHeader(name: string): string {
  return encodeUtf7(name);
}
