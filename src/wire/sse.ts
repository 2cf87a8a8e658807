import { createParser } from 'eventsource-parser';
import type { SseMessage } from '../providers/types';

/** Split a whole SSE text into messages (for replaying recorded fixtures and simple clients). */
export function parseSseText(text: string): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = createParser({
    onEvent(event) {
      messages.push(event.event === undefined ? { data: event.data } : { event: event.event, data: event.data });
    },
  });
  parser.feed(text);
  parser.reset({ consume: true });
  return messages;
}

/** Incremental SSE splitter over decoded text chunks. */
export function createSseSplitter(onMessage: (message: SseMessage) => void): { feed(chunk: string): void; flush(): void } {
  const parser = createParser({
    onEvent(event) {
      onMessage(event.event === undefined ? { data: event.data } : { event: event.event, data: event.data });
    },
  });
  return {
    feed: (chunk) => parser.feed(chunk),
    flush: () => parser.reset({ consume: true }),
  };
}
