// The utf7 package ships no types. Declared here too so the runner does not depend on the host's
// copy; identical declarations of one ambient module merge.
declare module 'utf7' {
  /** RFC 2152 UTF-7: every character outside set D and `mask` is base64-encoded. */
  export function encode(text: string, mask?: string): string;
  export function decode(text: string): string;
}
