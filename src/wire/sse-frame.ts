/**
 * Server-sent event framing. JSON.stringify escapes newlines, so one JSON payload is always one
 * `data:` line and no event can be split or merged by a payload.
 */

/** A data-only event, as OpenAI streams use. */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A named event, as Anthropic streams use. */
export function sseEvent(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}
