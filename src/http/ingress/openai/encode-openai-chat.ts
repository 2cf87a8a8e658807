import type { ChatResponse, ToolCall } from '../../../canonical/types';
import { convertOpenAIUsage, type OpenAIUsage } from './convert-openai-usage';
import { mapOpenAIFinishReason, type OpenAIFinishReason } from './map-openai-finish-reason';

/** A tool call as OpenAI returns it in a message. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** The `chat.completion` object returned by `POST /v1/chat/completions` without streaming. */
export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: OpenAIToolCall[] };
      finish_reason: OpenAIFinishReason;
      logprobs: null;
    },
  ];
  usage: OpenAIUsage;
}

/**
 * Canonical response → `chat.completion`. `model` is the public route name the caller asked
 * for, not the upstream model: callers compare it with what they sent.
 */
export function encodeOpenAIChat(response: ChatResponse, publicModel: string): OpenAIChatCompletion {
  const hasToolCalls = response.toolCalls.length > 0;
  return {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: publicModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI sends null, not '', for a turn that is only tool calls.
          content: response.text === '' && hasToolCalls ? null : response.text,
          refusal: null,
          ...(hasToolCalls ? { tool_calls: response.toolCalls.map(encodeToolCall) } : {}),
        },
        finish_reason: mapOpenAIFinishReason(response.finishReason, hasToolCalls),
        logprobs: null,
      },
    ],
    usage: convertOpenAIUsage(response.usage),
  };
}

function encodeToolCall(call: ToolCall): OpenAIToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}
