/**
 * A tool call id as callers see it can carry a Gemini thought signature. Gemini 3 answers 400
 * when a function call it made comes back in the history without the signature it was sent
 * with, and neither the OpenAI nor the Anthropic wire has a field for it; every client echoes
 * a call's id verbatim (in the assistant turn and in the tool result), so the signature rides
 * in the id: `<id>__thought__<base64url of the signature's UTF-8>`. Encoding the bytes, not
 * transliterating the base64, makes the round trip exact whatever alphabet Google uses, and
 * keeps the id within `[A-Za-z0-9_-]`, which Anthropic requires of tool_use ids.
 *
 * Providers other than Gemini are sent the bare id: OpenAI rejects ids over 40 characters.
 */
const MARKER = '__thought__';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The id callers see: `id` alone when there is no signature. */
export function withThoughtSignature(id: string, signature: string | undefined): string {
  if (signature === undefined || signature === '') return id;
  return `${id}${MARKER}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

/** The bare id and, when the id carries one, the signature exactly as Gemini sent it. */
export function splitToolCallId(id: string): { id: string; thoughtSignature?: string } {
  const at = id.indexOf(MARKER);
  if (at < 0) return { id };
  const encoded = id.slice(at + MARKER.length);
  // Not ours (a caller's id that happens to hold the marker): leave it whole.
  if (!BASE64URL.test(encoded)) return { id };
  return { id: id.slice(0, at), thoughtSignature: Buffer.from(encoded, 'base64url').toString('utf8') };
}

/** The id to send a provider that knows nothing of thought signatures. */
export function bareToolCallId(id: string): string {
  return splitToolCallId(id).id;
}
