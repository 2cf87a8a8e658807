/**
 * The fast check of a Chat Completions request body: true exactly when
 * `openAIChatRequestSchema` accepts it (property-tested against the schema), at a small share
 * of zod's cost. The schema stays the definition and the source of error messages.
 */
import {
  arrayOf,
  integerFrom,
  isBoolean,
  isNonEmptyString,
  isNumber,
  isObject,
  isString,
  isUnknownRecord,
  nullish,
  numberIn,
  objectOf,
  oneOf,
  optional,
  recordOf,
  sparseObjectOf,
  type Check,
} from '../../../wire/shape-checks';
import type { OpenAIChatRequestBody } from './openai-chat-schema';

// Passed on whole, so an own `__proto__` key (which zod leaves out of its copy) goes through zod.
const isJsonSchemaObject = isUnknownRecord;
const isTextPart = objectOf({ type: oneOf('text'), text: isString });
const isRefusalPart = objectOf({ type: oneOf('refusal'), refusal: isString });
const isImagePart = objectOf({
  type: oneOf('image_url'),
  image_url: objectOf({ url: isNonEmptyString, detail: optional(oneOf('auto', 'low', 'high')) }),
});

const isTextParts = arrayOf(isTextPart);
const isUserParts = arrayOf((part) => isTextPart(part) || isImagePart(part));
const isAssistantParts = arrayOf((part) => isTextPart(part) || isRefusalPart(part));
const isTextContent: Check = (value) => isString(value) || isTextParts(value);
const isUserContent: Check = (value) => isString(value) || isUserParts(value);
const isAssistantContent: Check = (value) => isString(value) || isAssistantParts(value);

const isToolCall = objectOf({
  id: isNonEmptyString,
  type: oneOf('function'),
  function: objectOf({ name: isNonEmptyString, arguments: isString }),
});

const isSystemMessage = objectOf({ content: isTextContent, name: optional(isString) });
const isUserMessage = objectOf({ content: isUserContent, name: optional(isString) });
const isToolMessage = objectOf({ content: isTextContent, tool_call_id: isNonEmptyString });
const isAssistantFields = objectOf({
  content: nullish(isAssistantContent),
  tool_calls: nullish(arrayOf(isToolCall)),
  refusal: nullish(isString),
  name: optional(isString),
});

function isMessage(value: unknown): boolean {
  if (!isObject(value)) return false;
  switch (value.role) {
    case 'system':
    case 'developer':
      return isSystemMessage(value);
    case 'user':
      return isUserMessage(value);
    case 'tool':
      return isToolMessage(value);
    case 'assistant':
      return isAssistantFields(value) && (value.content != null || (Array.isArray(value.tool_calls) && value.tool_calls.length > 0));
    default:
      return false;
  }
}

const isTool = objectOf({
  type: oneOf('function'),
  function: objectOf({ name: isNonEmptyString, description: optional(isString), parameters: optional(isJsonSchemaObject), strict: nullish(isBoolean) }),
});

const isNamedToolChoice = objectOf({ type: oneOf('function'), function: objectOf({ name: isNonEmptyString }) });
const isToolChoiceMode = oneOf('none', 'auto', 'required');
const isToolChoice: Check = (value) => isToolChoiceMode(value) || isNamedToolChoice(value);

const isJsonSchemaFormat = objectOf({
  name: isNonEmptyString,
  description: optional(isString),
  schema: optional(isJsonSchemaObject),
  strict: nullish(isBoolean),
});
const isResponseFormat: Check = (value) =>
  isObject(value) && (value.type === 'text' || value.type === 'json_object' || (value.type === 'json_schema' && isJsonSchemaFormat(value.json_schema)));

const isStrings = arrayOf(isString);
const nullishString = nullish(isString);
const nullishBoolean = nullish(isBoolean);
const nullishPositive = nullish(integerFrom(1));
const nullishPenalty = nullish(numberIn(-2, 2));

/** True when the schema would accept `body` as it is; false sends it through zod (for the error, or to be sure). */
export const acceptsOpenAIChatRequest = sparseObjectOf(
  { model: isNonEmptyString, messages: arrayOf(isMessage, 1) },
  {
    tools: nullish(arrayOf(isTool)),
    tool_choice: nullish(isToolChoice),
    parallel_tool_calls: nullishBoolean,
    max_tokens: nullishPositive,
    max_completion_tokens: nullishPositive,
    temperature: nullish(numberIn(0, 2)),
    top_p: nullish(numberIn(0, 1)),
    stop: nullish((value) => isString(value) || isStrings(value)),
    seed: nullish(Number.isSafeInteger),
    response_format: nullish(isResponseFormat),
    stream: nullishBoolean,
    stream_options: nullish(objectOf({ include_usage: nullishBoolean, include_obfuscation: nullishBoolean })),
    user: nullishString,
    n: (value) => value == null || value === 1,
    functions: (value) => value == null,
    function_call: (value) => value == null,
    frequency_penalty: nullishPenalty,
    presence_penalty: nullishPenalty,
    logit_bias: nullish(recordOf(isNumber)),
    logprobs: nullishBoolean,
    top_logprobs: nullish(integerFrom(0)),
    metadata: nullish(recordOf(isString)),
    store: nullishBoolean,
    service_tier: nullishString,
    reasoning_effort: nullishString,
    verbosity: nullishString,
    modalities: nullish(isStrings),
    prediction: nullish(objectOf({ type: isString })),
    prompt_cache_key: nullishString,
    safety_identifier: nullishString,
  },
) as (body: unknown) => body is OpenAIChatRequestBody;
