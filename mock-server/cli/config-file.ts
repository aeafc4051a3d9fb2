import { readFile } from 'node:fs/promises';
import { UsageError } from './args.js';
import { describeJsonSyntaxError } from './json-syntax-error.js';

/** Reads a --config file, naming the file, line and column of a JSON syntax error. */
export async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `config file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message}`,
    );
  }
  // Editors hide a byte order mark, so lines and columns are counted without it.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json);
  } catch (error) {
    const { line, column, reason } = describeJsonSyntaxError(json, (error as Error).message);
    throw new UsageError(`config file ${file}: not valid JSON${line !== undefined ? ` at line ${line}, column ${column}` : ''}: ${reason}`);
  }
}
