/**
 * Fast checks of the Anthropic answers Junction reads on every request: a whole Message and one
 * stream event. Each is true exactly when its zod schema in `anthropic-api.ts` accepts the value
 * (property-tested against it); zod runs only for what they refuse, to name the fault. The one
 * exception: a tool_use `input` with an own `__proto__` key, which zod accepts but drops from its
 * copy, is refused here so that zod's copy is what the adapter reads.
 */
import { arrayOf, isNumber, isObject, isString, isUnknownRecord, nullish, objectOf } from '../../wire/shape-checks';
import type { AnthropicMessageResponse, AnthropicStreamEvent } from './anthropic-api';

const nullishNumber = nullish(isNumber);

const isUsage = objectOf({
  input_tokens: isNumber,
  output_tokens: isNumber,
  cache_creation_input_tokens: nullishNumber,
  cache_read_input_tokens: nullishNumber,
});

const isDeltaUsage = objectOf({
  output_tokens: isNumber,
  input_tokens: nullishNumber,
  cache_creation_input_tokens: nullishNumber,
  cache_read_input_tokens: nullishNumber,
});

const isToolUseBlock = objectOf({ id: isString, name: isString, input: isUnknownRecord });

/** Text and tool_use need their full shape; any other type (thinking, server tools…) is read past. */
function isResponseBlock(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'text':
      return isString(value.text);
    case 'tool_use':
      return isToolUseBlock(value);
    default:
      return isString(value.type);
  }
}

const isResponseBlocks = arrayOf(isResponseBlock);

/** True when `anthropicMessageSchema` accepts `body` as it is. */
export function acceptsAnthropicMessage(body: unknown): body is AnthropicMessageResponse {
  return (
    isObject(body) &&
    isString(body.id) &&
    body.type === 'message' &&
    body.role === 'assistant' &&
    isString(body.model) &&
    isResponseBlocks(body.content) &&
    (body.stop_reason === null || isString(body.stop_reason)) &&
    isUsage(body.usage)
  );
}

const isStartedMessage = objectOf({ id: isString, model: isString, usage: isUsage });

function isStartedBlock(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'text':
      return isString(value.text);
    case 'tool_use':
      return isString(value.id) && isString(value.name);
    default:
      return isString(value.type);
  }
}

function isDelta(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'text_delta':
      return isString(value.text);
    case 'input_json_delta':
      return isString(value.partial_json);
    default:
      return isString(value.type);
  }
}

const isStopDelta = objectOf({ stop_reason: nullish(isString) });
const isErrorDetail = objectOf({ type: isString, message: isString });

/** True when `anthropicStreamEventSchema` accepts `event` as it is (so false for a `type` it does not cover). */
export function acceptsAnthropicStreamEvent(event: unknown): event is AnthropicStreamEvent {
  if (!isObject(event)) return false;
  switch (event.type) {
    case 'content_block_delta':
      return isNumber(event.index) && isDelta(event.delta);
    case 'content_block_start':
      return isNumber(event.index) && isStartedBlock(event.content_block);
    case 'content_block_stop':
      return isNumber(event.index);
    case 'message_start':
      return isStartedMessage(event.message);
    case 'message_delta':
      return isStopDelta(event.delta) && isDeltaUsage(event.usage);
    case 'message_stop':
    case 'ping':
      return true;
    case 'error':
      return isErrorDetail(event.error);
    default:
      return false;
  }
}
