/**
 * The ingress formats behind one interface, so the chat handler is written once. Each format's
 * own folder holds its pure decoders and encoders.
 */
import type { JunctionError } from '../../errors';
import type { ChatRequest, ChatResponse, IngressFormat, StreamEvent, Usage } from '../../canonical/types';
import { decodeAnthropicMessages } from './anthropic/decode-anthropic-messages';
import { encodeAnthropicMessage } from './anthropic/encode-anthropic-message';
import { createAnthropicStreamEncoder } from './anthropic/encode-anthropic-stream';
import { renderAnthropicError } from './anthropic/render-anthropic-error';
import { decodeOpenAIChat } from './openai/decode-openai-chat';
import { encodeOpenAIChat } from './openai/encode-openai-chat';
import { createOpenAIStreamEncoder } from './openai/encode-openai-stream';
import { renderOpenAIError } from './openai/render-openai-error';

/** One stream's encoder in the caller's format; see the OpenAI and Anthropic encoders. */
export interface StreamEncoder {
  encode(event: StreamEvent): string;
  /** Same-format pass-through: the event went out in the upstream's own words. */
  note(event: StreamEvent): void;
  /** Usage the caller asked for that a forwarded stream's upstream did not send ('' when the format needs none). */
  usage(usage: Usage): string;
  /** The in-stream error event that ends the stream, with the usage so far where the format can carry it. */
  error(error: JunctionError, usage?: Usage): string;
}

export interface ChatIngress {
  format: IngressFormat;
  decode(body: unknown): { request: ChatRequest; includeUsage: boolean };
  encode(response: ChatResponse, publicModel: string): unknown;
  streamEncoder(publicModel: string, includeUsage: boolean): StreamEncoder;
  renderError(error: JunctionError): { status: number; body: unknown };
}

export const openaiIngress: ChatIngress = {
  format: 'openai',
  decode: decodeOpenAIChat,
  encode: encodeOpenAIChat,
  streamEncoder: (publicModel, includeUsage) => createOpenAIStreamEncoder({ publicModel, includeUsage }),
  renderError: renderOpenAIError,
};

export const anthropicIngress: ChatIngress = {
  format: 'anthropic',
  decode: (body) => ({ request: decodeAnthropicMessages(body), includeUsage: true }),
  encode: encodeAnthropicMessage,
  streamEncoder: (publicModel) => createAnthropicStreamEncoder({ publicModel }),
  renderError: renderAnthropicError,
};

/** Errors on paths outside the Anthropic API are rendered in OpenAI's shape, the common default. */
export function ingressForPath(url: string): ChatIngress {
  return url.startsWith('/v1/messages') ? anthropicIngress : openaiIngress;
}
