import { request as httpRequest, type IncomingMessage } from 'node:http';

/** Test helper: a reader of the admin event stream that parses `event:`/`id:`/`data:` as EventSource does. */

export interface StreamEvent {
  event: string;
  id?: string;
  data: any;
}

export interface StreamReader {
  response: IncomingMessage;
  /** Every event received so far, oldest first. */
  events: StreamEvent[];
  /** Waits for the first not yet taken event that matches, and takes it. */
  next(match: (e: StreamEvent) => boolean, timeoutMs: number): Promise<StreamEvent>;
  close(): void;
}

export async function openStream(adminUrl: string, token: string, path = '/api/log/stream'): Promise<StreamReader> {
  const events: StreamEvent[] = [];
  const taken = new Set<StreamEvent>();
  const waiters = new Set<() => void>();
  let buffer = '';
  const { port } = new URL(adminUrl);
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    agent: false,
  });
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length === 0) continue;
      events.push({ event, ...(id !== undefined ? { id } : {}), data: JSON.parse(data.join('\n')) });
      for (const wake of waiters) wake();
    }
  });
  response.on('error', () => {});
  return {
    response,
    events,
    async next(match, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => !taken.has(e) && match(e));
        if (found) {
          taken.add(found);
          return found;
        }
        const left = deadline - performance.now();
        if (left <= 0)
          throw new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(events.map((e) => [e.event, e.data]))}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    close() {
      req.destroy();
    },
  };
}
