/**
 * Fast checks of the OpenAI answers Junction reads on every request: a whole chat completion
 * and one stream chunk. Each is true exactly when its zod schema in `openai-api.ts` accepts the
 * value (property-tested against it); zod runs only for what they refuse, to name the fault.
 */
import { arrayOf, isNumber, isObject, isString, nullish, objectOf, optional } from '../../wire/shape-checks';
import type { OpenAIChatChunk, OpenAIChatResponse } from './openai-api';

const nullishString = nullish(isString);
const nullishNumber = nullish(isNumber);

const isUsage = objectOf({
  prompt_tokens: isNumber,
  completion_tokens: isNumber,
  total_tokens: optional(isNumber),
  prompt_tokens_details: nullish(objectOf({ cached_tokens: nullishNumber })),
  completion_tokens_details: nullish(objectOf({ reasoning_tokens: nullishNumber })),
});

const isToolCall = objectOf({ id: isString, type: optional(isString), function: objectOf({ name: isString, arguments: isString }) });

const isChoice = objectOf({
  index: optional(isNumber),
  message: objectOf({ content: nullishString, refusal: nullishString, tool_calls: nullish(arrayOf(isToolCall)) }),
  finish_reason: nullishString,
});

const isChoices = arrayOf(isChoice, 1);

/** True when `openaiChatResponseSchema` accepts `body` as it is. */
export function acceptsOpenAIChatResponse(body: unknown): body is OpenAIChatResponse {
  return isObject(body) && isString(body.id) && isNumber(body.created) && isString(body.model) && isChoices(body.choices) && isUsage(body.usage);
}

const isToolCallDelta = objectOf({
  index: optional(isNumber),
  id: nullishString,
  type: nullishString,
  function: nullish(objectOf({ name: nullishString, arguments: nullishString })),
});

const isChunkChoice = objectOf({
  index: optional(isNumber),
  delta: nullish(objectOf({ content: nullishString, refusal: nullishString, tool_calls: nullish(arrayOf(isToolCallDelta)) })),
  finish_reason: nullishString,
});

const isChunkChoices = arrayOf(isChunkChoice);
const isNullishUsage = nullish(isUsage);

/** True when `openaiChatChunkSchema` accepts `chunk` as it is. */
export function acceptsOpenAIChatChunk(chunk: unknown): chunk is OpenAIChatChunk {
  return isObject(chunk) && isString(chunk.id) && isNumber(chunk.created) && isString(chunk.model) && isChunkChoices(chunk.choices) && isNullishUsage(chunk.usage);
}
