export { createOpenAIAdapter, openaiAdapter, type OpenAIAdapterOptions } from './openai-adapter';
export type { MaxTokensField } from './convert-to-openai-chat-body';
