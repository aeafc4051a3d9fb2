/**
 * URL handling exactly as the validator does it (its `UrlHelper.cs`, plus the .NET `HttpUtility`
 * encoders it calls), because hosts see the bytes these produce.
 */

const utf8 = new TextEncoder();

/** HttpUtility.UrlEncode: UTF-8, `-_.!*()` and alphanumerics kept, space as `+`, lowercase hex. */
export function httpUtilityUrlEncode(value: string): string {
  let out = '';
  for (const byte of utf8.encode(value)) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.!*()]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).padStart(2, '0');
  }
  return out;
}

/** HttpUtility.UrlDecode: `+` is a space, `%XX` are UTF-8 bytes, malformed escapes stay as written. */
export function httpUtilityUrlDecode(value: string): string {
  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...utf8.encode(text));
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '+') bytes.push(0x20);
    else if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '%' && /^u[0-9a-fA-F]{4}$/.test(value.slice(i + 1, i + 6))) {
      pushText(String.fromCharCode(parseInt(value.slice(i + 2, i + 6), 16)));
      i += 5;
    } else pushText(ch);
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * UrlHelper.UrlKeyValueEncode, used for the `access_token` the validator appends: everything but
 * ASCII letters and digits becomes `%XX` (uppercase) of its UTF-8 bytes; a lone high surrogate is dropped.
 */
export function urlKeyValueEncode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (/[A-Za-z0-9]/.test(value[i]!)) {
      out += value[i];
      continue;
    }
    if ((code & 0xfc00) === 0xd800) {
      const next = value.charCodeAt(i + 1);
      if (Number.isNaN(next)) continue;
      const point = (((code & 0x3ff) << 10) | (next & 0x3ff)) + 0x10000;
      out += hexBytes([0xf0 | (point >> 18), 0x80 | ((point >> 12) & 0x3f), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)]);
      i++;
    } else if (code <= 0x7f) out += hexBytes([code]);
    else if (code <= 0x7ff) out += hexBytes([0xc0 | (code >> 6), 0x80 | (code & 0x3f)]);
    else out += hexBytes([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]);
  }
  return out;
}

function hexBytes(bytes: number[]): string {
  return bytes.map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/**
 * UrlHelper.GetQueryParameterValue: the decoded value of `?name=` or `&name=` (name matched
 * case-insensitively), up to the next `&` or `#`; null when absent.
 */
export function getQueryParameterValue(url: string, name: string): string | null {
  const lower = url.toLowerCase();
  let index = lower.indexOf(`?${name.toLowerCase()}=`);
  if (index === -1) index = lower.indexOf(`&${name.toLowerCase()}=`);
  if (index === -1) return null;
  const start = index + name.length + 2;
  const end = url.slice(start).search(/[&#]/);
  return httpUtilityUrlDecode(end === -1 ? url.slice(start) : url.slice(start, start + end));
}

/** UrlHelper.AppendOrReplaceQueryParameter, with HttpUtility.UrlEncode for the name and value. */
export function appendOrReplaceQueryParameter(url: string, name: string, value: string): string {
  const encodedName = httpUtilityUrlEncode(name);
  const encodedValue = httpUtilityUrlEncode(value);
  const lower = url.toLowerCase();
  let index = lower.indexOf(`?${encodedName.toLowerCase()}=`);
  if (index === -1) index = lower.indexOf(`&${encodedName.toLowerCase()}=`);
  if (index !== -1) {
    const afterValue = index + encodedName.length + 2;
    const next = url.slice(afterValue).search(/[&#]/);
    return url.slice(0, index + 1) + `${encodedName}=${encodedValue}` + (next === -1 ? '' : url.slice(afterValue + next));
  }
  const separator = url.includes('?') ? '&' : '?';
  const hash = url.indexOf('#');
  if (hash === -1) return `${url}${separator}${encodedName}=${encodedValue}`;
  return `${url.slice(0, hash)}${separator}${encodedName}=${encodedValue}${url.slice(hash)}`;
}

/**
 * WopiRequest.BuildWopiUri: the WopiSrc as given, the operation's path suffix appended to the raw
 * string, then `access_token` and `access_token_ttl`.
 */
export function buildWopiUrl(wopiSrc: string, pathSuffix: string, accessToken: string, accessTokenTtl: number): string {
  const separator = !wopiSrc.includes('?') ? '?' : wopiSrc.endsWith('&') ? '' : '&';
  return absoluteUrl(
    `${wopiSrc}${pathSuffix}${separator}access_token=${urlKeyValueEncode(accessToken)}&access_token_ttl=${accessTokenTtl}`,
  );
}

/**
 * RequestBase.GetEndpointAddressOverride: `UriBuilder.Path += suffix`, so the suffix lands after the
 * path of a URL the host handed out and before its query (a trailing `/` there gives `//suffix`).
 */
export function appendPath(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.pathname += suffix;
  return parsed.href;
}

/** `new Uri(url).AbsoluteUri`: fails on a URL that is not absolute. */
export function absoluteUrl(url: string): string {
  return new URL(url).href;
}

/** Uri.TryCreate(value, UriKind.Absolute). */
export function isAbsoluteUrl(value: string): boolean {
  return URL.canParse(value);
}
