import { readFile } from 'node:fs/promises';
import { UsageError } from './args.js';

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
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split('\n');
      throw new UsageError(
        `config file ${file}: not valid JSON at line ${before.length}, column ${before[before.length - 1]!.length + 1}: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      );
    }
    throw new UsageError(`config file ${file}: not valid JSON: ${message}`);
  }
}
