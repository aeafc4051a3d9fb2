/**
 * Where a JSON document stops being JSON, as line and column, on every Node version: Node 22's
 * JSON.parse says "(line N column M)", Node 20's says "at position N" or, for an unexpected
 * token or the end of the input, nothing at all. Then the document is scanned here.
 */

export interface JsonSyntaxError {
  /** 1-based; undefined only when neither the message nor the scan finds the place. */
  line?: number;
  column?: number;
  /** The parser's reason without its location or its echo of the document. */
  reason: string;
}

/** Explains the error JSON.parse threw for `text`. */
export function describeJsonSyntaxError(text: string, message: string): JsonSyntaxError {
  const reason =
    message
      .replace(/(?: in JSON)? at position \d+(?:\s*\(line \d+ column \d+\))?\s*$/, '')
      // V8 echoes the document (or a "..."-cut excerpt of it) after an unexpected token.
      .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '') || message;
  const stated = /\(line (\d+) column (\d+)\)/.exec(message);
  if (stated) return { line: Number(stated[1]), column: Number(stated[2]), reason };
  const position = /\bat position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : syntaxErrorOffset(text);
  return offset === undefined ? { reason } : { ...lineAndColumn(text, offset), reason };
}

/** 1-based line and column (in UTF-16 code units, as editors and V8 count) of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/**
 * The offset of the first character that makes `text` not JSON (RFC 8259), the length of the
 * text when it ends too early, or undefined when it is JSON. It points where V8 does: at the
 * unexpected character.
 */
export function syntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const skipWhitespace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const isDigit = (at: number) => at < text.length && text[at]! >= '0' && text[at]! <= '9';
  const digits = (): boolean => {
    if (!isDigit(i)) return false;
    while (isDigit(i)) i++;
    return true;
  };
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  const string = (): boolean => {
    i++; // the opening quote
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) return (i++, true);
      if (code < 0x20) return false;
      if (code === 0x5c) {
        i++;
        if (i >= text.length) return false;
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/^[0-9a-fA-F]$/.test(text[i] ?? '')) return false;
          }
        } else if (!'"\\/bfnrt'.includes(text[i]!)) return false;
      }
      i++;
    }
    return false;
  };
  const literal = (word: string): boolean => {
    for (const expected of word) {
      if (text[i] !== expected) return false;
      i++;
    }
    return true;
  };
  const value = (): boolean => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') return members('}', true);
    if (c === '[') return members(']', false);
    if (c === '"') return string();
    if (c === '-' || isDigit(i)) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return false;
  };
  /** The inside of an object (`named`) or array, `i` at its opening bracket. */
  const members = (close: string, named: boolean): boolean => {
    i++;
    skipWhitespace();
    if (text[i] === close) return (i++, true);
    for (;;) {
      if (named) {
        skipWhitespace();
        if (text[i] !== '"' || !string()) return false;
        skipWhitespace();
        if (text[i] !== ':') return false;
        i++;
      }
      if (!value()) return false;
      skipWhitespace();
      if (text[i] === close) return (i++, true);
      if (text[i] !== ',') return false;
      i++;
    }
  };
  try {
    if (!value()) return Math.min(i, text.length);
  } catch (error) {
    if (error instanceof RangeError) return undefined; // nested deeper than the stack allows
    throw error;
  }
  skipWhitespace();
  return i < text.length ? i : undefined;
}
