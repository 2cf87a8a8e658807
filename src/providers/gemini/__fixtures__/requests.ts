/** Canonical requests whose Gemini bodies are pinned by snapshot. */
import type { ChatRequest, EmbeddingRequest, JsonSchema } from '../../../canonical/types';

const user = (text: string): ChatRequest['messages'][number] => ({ role: 'user', content: [{ type: 'text', text }] });

/** A schema as JSON Schema generators write it, with keys Gemini refuses. */
export const weatherParameters: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name, e.g. Paris' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' },
    days: { type: ['integer', 'null'], minimum: 1, maximum: 14 },
    location: { $ref: '#/$defs/coordinates', description: 'Used when the city is ambiguous' },
  },
  required: ['city'],
  additionalProperties: false,
  $defs: {
    coordinates: {
      type: 'object',
      properties: { lat: { type: 'number', format: 'double' }, lon: { type: 'number', format: 'double' } },
      required: ['lat', 'lon'],
      additionalProperties: false,
    },
  },
};

export const chatRequests: Array<{ name: string; request: ChatRequest }> = [
  {
    name: 'plain',
    request: { model: 'chat', messages: [user('Say hello.')], stream: false },
  },
  {
    name: 'system-multi-turn',
    request: {
      model: 'chat',
      messages: [
        { role: 'system', content: 'You are a terse assistant.' },
        user('What is the capital of France?'),
        { role: 'assistant', content: [{ type: 'text', text: 'Paris.' }] },
        { role: 'system', content: 'Answer in English only.' },
        user('And of Japan?'),
        user('One word, please.'),
      ],
      maxTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      stop: ['\n\n'],
      seed: 7,
      user: 'end-user-17',
      stream: false,
    },
  },
  {
    name: 'tools-with-results',
    request: {
      model: 'chat',
      messages: [
        user('Weather in Paris and Tokyo? Also what time is it in Paris?'),
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Looking that up.' }],
          toolCalls: [
            { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'call_b', name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
            { id: 'call_c', name: 'get_time', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'call_a', content: '{"temperature":18,"sky":"cloudy"}' },
        { role: 'tool', toolCallId: 'call_b', content: 'Sunny, 24 degrees' },
        { role: 'tool', toolCallId: 'call_c', content: 'Clock service unavailable', isError: true },
        user('Thanks. Summarise.'),
      ],
      tools: [
        { name: 'get_weather', description: 'Current weather for a city', parameters: weatherParameters },
        { name: 'get_time', parameters: { type: 'object', properties: {}, additionalProperties: false } },
      ],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: true,
      stream: false,
    },
  },
  {
    name: 'images',
    request: {
      model: 'chat',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these two pictures?' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/photos/cat.PNG?size=large' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: 'UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/render' } },
          ],
        },
      ],
      stream: false,
    },
  },
  {
    name: 'json-schema',
    request: {
      model: 'chat',
      messages: [user('Extract the person: Ada Lovelace, born 1815.')],
      responseFormat: {
        type: 'json_schema',
        name: 'person',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            born: { type: 'integer' },
            email: { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] },
            tags: { type: 'array', items: { type: 'string' } },
          },
          required: ['name', 'born', 'email', 'tags'],
          additionalProperties: false,
        },
      },
      stream: false,
    },
  },
  {
    name: 'streamed',
    request: {
      model: 'chat',
      messages: [{ role: 'system', content: 'Be brief.' }, user('Tell me a short joke.')],
      tools: [{ name: 'get_time', description: 'Current time', parameters: { type: 'object', properties: { timezone: { type: 'string' } } } }],
      toolChoice: 'required',
      responseFormat: { type: 'json_object' },
      maxTokens: 128,
      stream: true,
    },
  },
];

export const embeddingRequests: Array<{ name: string; request: EmbeddingRequest }> = [
  { name: 'embeddings-two-texts', request: { model: 'embed', input: ['The cat sat on the mat.', 'A dog barked.'], dimensions: 4 } },
  { name: 'embeddings-default-dimensions', request: { model: 'embed', input: ['Hello'] } },
];
