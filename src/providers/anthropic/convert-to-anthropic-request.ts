import type { Deployment } from '../../routing/catalog';
import type { ChatRequest } from '../../canonical/types';
import type { AnthropicMessagesRequest } from './anthropic-api';
import { anthropicJsonInstruction } from './anthropic-json-instruction';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';
import { prepareAnthropicTools } from './prepare-anthropic-tools';

/** Anthropic requires `max_tokens`; this is the answer length when neither the caller nor the deployment sets one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/**
 * A canonical chat request → the body of `POST /messages` for one deployment. `seed` has no
 * Anthropic counterpart and is dropped; everything else maps onto a field of the same meaning.
 */
export function convertToAnthropicRequest(request: ChatRequest, deployment: Deployment): AnthropicMessagesRequest {
  const prompt = convertToAnthropicMessages(request.messages);
  const jsonInstruction = anthropicJsonInstruction(request.responseFormat);
  const system = [prompt.system, jsonInstruction].filter((part) => part !== undefined).join('\n\n');

  return {
    model: deployment.model,
    max_tokens: request.maxTokens ?? deployment.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    ...(system === '' ? {} : { system }),
    messages: prompt.messages,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.topP === undefined ? {} : { top_p: request.topP }),
    ...(request.stop === undefined || request.stop.length === 0 ? {} : { stop_sequences: request.stop }),
    ...prepareAnthropicTools(request),
    ...(request.user === undefined ? {} : { metadata: { user_id: request.user } }),
    ...(request.stream ? { stream: true } : {}),
  };
}
