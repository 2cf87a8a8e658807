/** Anthropic message ids start with `msg_`; clients and logs sometimes rely on it. */
export function toAnthropicMessageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}
