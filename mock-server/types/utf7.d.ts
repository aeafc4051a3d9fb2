// The utf7 package ships no types; these are the two functions the host uses.
declare module 'utf7' {
  /** RFC 2152 UTF-7: every character outside RFC 2152's set D is base64-encoded. */
  export function encode(text: string, mask?: string): string;
  export function decode(text: string): string;
}
