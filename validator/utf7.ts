import { encode as encodeRfc2152 } from 'utf7';

/**
 * Name headers as the validator writes them. It encodes with .NET's `Encoding.UTF7`, which writes
 * RFC 2152's set D and space, tab, CR, LF directly and base64-encodes everything else (the
 * "optional direct" characters such as `_` included), closing every base64 run with `-`.
 */

const direct = "A-Za-z0-9'(),\\-./:? \\t\\r\\n";
const notDirectRun = new RegExp(`[^${direct}]+`, 'g');

/** `Encoding.UTF7.GetBytes(name)` as text: what RenameFile and RenameContainer send in X-WOPI-RequestedName. */
export function dotnetUtf7(text: string): string {
  return text.replace(notDirectRun, (run) => {
    // .NET writes a `+` met outside a base64 run as `+-`; once a run has started, `+` is base64 like the rest.
    const leadingPluses = /^\++/.exec(run)?.[0].length ?? 0;
    const rest = run.slice(leadingPluses);
    return '+-'.repeat(leadingPluses) + (rest === '' ? '' : encodeRfc2152(rest, ' \t\r\n'));
  });
}

/**
 * UrlHelper.GetUTF7EncodedUnescapedDataString, for X-WOPI-SuggestedTarget and X-WOPI-RelativeTarget:
 * `Uri.UnescapeDataString(HttpUtility.UrlEncode(name, UTF7))`. The round trip through URL encoding
 * undoes every escape except one: a space comes out as `+` (a validator quirk, kept).
 */
export function utf7EncodedUnescaped(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return text;
  return dotnetUtf7(text).replaceAll(' ', '+');
}
