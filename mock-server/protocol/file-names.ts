/**
 * Names of files and containers: which ones this host accepts, how a rejected one is repaired,
 * and how a free name is picked next to existing ones.
 */

// Spec: Office iOS fails to load items whose names contain any of these; replace them with "-"
// (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/issues/invalid-characters).
// Control characters are refused too: they cannot travel in a header.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this class refuses
const invalidCharacters = /[\\/:*?"<>|#{}^[\]`%\x00-\x1f\x7f]/g;
const hasInvalidCharacter = new RegExp(invalidCharacters.source);

/** Long enough for the validator's 512-character test to be a clean 400, short enough for any file system. */
const maxNameLength = 255;

// Half of a UTF-16 surrogate pair: UTF-7 can spell one ("+2D0-"), but no file system, URI or
// client can hold it (encodeURIComponent throws on it, for one).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const hasLoneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first `length` UTF-16 units, one fewer rather than cutting a surrogate pair in half. */
function truncate(text: string, length: number): string {
  const cut = text.slice(0, Math.max(0, length));
  return /[\uD800-\uDBFF]$/.test(cut) && text.length > cut.length ? cut.slice(0, -1) : cut;
}

const fallbackBase = 'Untitled';

/** Office's display rule: each invalid character becomes "-". */
export function officeSafeName(name: string): string {
  return name.replace(invalidCharacters, '-');
}

/** `report.docx` → `{ base: 'report', extension: '.docx' }`; a leading dot starts no extension. */
export function splitExtension(name: string): { base: string; extension: string } {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? { base: name, extension: '' } : { base: name.slice(0, dot), extension: name.slice(dot) };
}

/** Why the host will not store an item under this name, or null when it will. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'the name is empty';
  if (hasInvalidCharacter.test(name))
    return 'the name contains a character Office cannot load (\\ / : * ? " < > | # { } ^ [ ] ` % or a control character)';
  if (hasLoneSurrogate.test(name)) return 'the name is not valid Unicode (half of a surrogate pair)';
  if (name !== name.trim()) return 'the name starts or ends with whitespace';
  // The validator's CheckFileInfo schema test: BaseFileName must be a full name, not ".ext".
  if (name.startsWith('.')) return 'the name starts with "."';
  if (name.endsWith('.')) return 'the name ends with "."';
  if (name.length > maxNameLength) return `the name is ${name.length} characters long; at most ${maxNameLength} are allowed`;
  return null;
}

/**
 * The nearest name the host accepts: invalid characters become "-", whitespace and dots at the
 * ends go, and an over-long name is cut before its extension.
 */
export function legalizeName(name: string): string {
  const dropTrailing = (text: string) => text.replace(/[.\s]+$/, '');
  let legal = dropTrailing(officeSafeName(name).replace(loneSurrogate, '\uFFFD').trim());
  // Before cutting to length, so the prefix cannot push the name over it.
  if (legal === '' || legal.startsWith('.')) legal = fallbackBase + legal;
  if (legal.length > maxNameLength) {
    const { base, extension } = splitExtension(legal);
    legal =
      extension.length < 32
        ? truncate(base, maxNameLength - extension.length).trimEnd() + extension
        : dropTrailing(truncate(legal, maxNameLength));
  }
  return legal;
}

/** Names compare as a case-insensitive file system would: `Report.docx` and `report.DOCX` clash. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * `name` itself when free, else `base (2).ext`, `base (3).ext`, …: the extension is kept, as
 * suggested mode requires.
 */
export function uniqueName(name: string, isTaken: (candidate: string) => boolean): string {
  if (!isTaken(name)) return name;
  const { base, extension } = splitExtension(name);
  const withSuffix = (suffix: string) => truncate(base, maxNameLength - extension.length - suffix.length) + suffix + extension;
  for (let n = 2; n < 100_000; n++) {
    const candidate = withSuffix(` (${n})`);
    if (!isTaken(candidate)) return candidate;
  }
  // A container cannot hold that many items; a random suffix ends the search all the same.
  return withSuffix(` (${Math.random().toString(36).slice(2, 10)})`);
}

/** RenameFile's X-WOPI-RequestedName has no extension; the file keeps its own. */
export function renamedFileName(requestedBase: string, currentName: string): string {
  return requestedBase + splitExtension(currentName).extension;
}
