/**
 * A count and its noun, agreeing: "1 request", "2 requests", "20,002 requests". The one way the
 * UI shows how many of something there are; `many` for nouns that do not just add an s.
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
