/** What another editor can do to a file (storage/another-editor.ts); names only, so schemas can use them without the file store. */
export const anotherEditorActions = ['lock', 'refreshLock', 'write'] as const;
export type AnotherEditorAction = (typeof anotherEditorActions)[number];

export function isAnotherEditorAction(value: unknown): value is AnotherEditorAction {
  return typeof value === 'string' && (anotherEditorActions as readonly string[]).includes(value);
}
