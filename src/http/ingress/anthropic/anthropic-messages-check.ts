/**
 * The fast check of a Messages request body: true exactly when `anthropicMessagesRequestSchema`
 * accepts it (property-tested against the schema), at a small share of zod's cost. The schema
 * stays the definition and the source of error messages. The schema has no transforms, so a
 * body it accepts decodes the same as zod's output, with one exception: records passed on whole
 * (`input_schema`, a tool_use `input`, the output format's `schema`) that carry an own
 * `__proto__` key, which zod drops from its copy; those are refused here and go through zod.
 */
import {
  arrayOf,
  integerFrom,
  isBoolean,
  isNonEmptyString,
  isObject,
  isString,
  isUnknownRecord,
  nullish,
  numberIn,
  objectOf,
  oneOf,
  optional,
  sparseObjectOf,
  type Check,
} from '../../../wire/shape-checks';
import type { AnthropicMessagesRequestBody } from './anthropic-messages-schema';

const isTextBlock = objectOf({ type: oneOf('text'), text: isString });
const isTextBlocks = arrayOf(isTextBlock);
const isTextContent: Check = (value) => isString(value) || isTextBlocks(value);

const isMediaType = oneOf('image/jpeg', 'image/png', 'image/gif', 'image/webp');
const isBase64Source = objectOf({ media_type: isMediaType, data: isNonEmptyString });
const isUrlSource = objectOf({ url: isNonEmptyString });
const isImageSource: Check = (value) =>
  isObject(value) && ((value.type === 'base64' && isBase64Source(value)) || (value.type === 'url' && isUrlSource(value)));

const isImageFields = objectOf({ source: isImageSource });
const isToolResultFields = objectOf({ tool_use_id: isNonEmptyString, content: optional(isTextContent), is_error: optional(isBoolean) });
const isToolUseFields = objectOf({ id: isNonEmptyString, name: isNonEmptyString, input: isUnknownRecord });

function isUserBlock(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'text':
      return isString(value.text);
    case 'image':
      return isImageFields(value);
    case 'tool_result':
      return isToolResultFields(value);
    default:
      return false;
  }
}

function isAssistantBlock(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'text':
      return isString(value.text);
    case 'tool_use':
      return isToolUseFields(value);
    // Dropped by the decoder, so nothing else of them is checked (nor by the schema).
    case 'thinking':
    case 'redacted_thinking':
      return true;
    default:
      return false;
  }
}

const isUserBlocks = arrayOf(isUserBlock);
const isAssistantBlocks = arrayOf(isAssistantBlock);

function isMessage(value: unknown): boolean {
  if (!isObject(value)) return false;
  const content = value.content;
  switch (value.role) {
    case 'user':
      return isString(content) || isUserBlocks(content);
    case 'assistant':
      return isString(content) || isAssistantBlocks(content);
    case 'system':
      return isTextContent(content);
    default:
      return false;
  }
}

const isTool = objectOf({
  type: optional(oneOf('custom')),
  name: isNonEmptyString,
  description: optional(isString),
  input_schema: isUnknownRecord,
});

const isParallelOption = optional(isBoolean);
function isToolChoice(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'auto':
    case 'any':
      return isParallelOption(value.disable_parallel_tool_use);
    case 'tool':
      return isNonEmptyString(value.name) && isParallelOption(value.disable_parallel_tool_use);
    case 'none':
      return true;
    default:
      return false;
  }
}

const isOutputFormat = objectOf({ type: oneOf('json_schema'), schema: isUnknownRecord });

/** True when the schema would accept `body` as it is; false sends it through zod (for the error, or to be sure). */
export const acceptsAnthropicMessagesRequest = sparseObjectOf(
  { model: isNonEmptyString, max_tokens: integerFrom(1), messages: arrayOf(isMessage, 1) },
  {
    system: optional(isTextContent),
    tools: optional(arrayOf(isTool)),
    tool_choice: optional(isToolChoice),
    temperature: optional(numberIn(0, 1)),
    top_p: optional(numberIn(0, 1)),
    top_k: optional(integerFrom(0)),
    stop_sequences: optional(arrayOf(isString)),
    stream: optional(isBoolean),
    metadata: optional(objectOf({ user_id: nullish(isString) })),
    output_config: optional(objectOf({ effort: nullish(isString), format: nullish(isOutputFormat) })),
    thinking: optional(objectOf({ type: isString })),
    service_tier: optional(isString),
  },
) as (body: unknown) => body is AnthropicMessagesRequestBody;
