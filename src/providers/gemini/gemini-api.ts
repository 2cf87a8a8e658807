/**
 * Wire shapes of the Gemini API (`v1beta`): `models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` and `:batchEmbedContents`.
 * Requests are plain types because Junction builds them; responses, stream chunks and error
 * bodies are zod schemas because they come from outside and must be checked before use.
 * Only the fields Junction reads are declared; unknown fields (safety ratings, citations,
 * grounding metadata, …) are dropped so that new API features do not break old gateways.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- request

export type GeminiTextPart = { text: string };
export type GeminiInlineDataPart = { inlineData: { mimeType: string; data: string } };
export type GeminiFileDataPart = { fileData: { mimeType: string; fileUri: string } };
/** `thoughtSignature` goes back exactly as the model sent it (Gemini 3 requires it on a step's first call). */
export type GeminiFunctionCallPart = { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string };
export type GeminiFunctionResponsePart = { functionResponse: { name: string; response: Record<string, unknown> } };

export type GeminiPart =
  | GeminiTextPart
  | GeminiInlineDataPart
  | GeminiFileDataPart
  | GeminiFunctionCallPart
  | GeminiFunctionResponsePart;

/** One turn of `contents`. Gemini has two roles; function results travel in `user` turns. */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** The `Type` enum of Gemini's `Schema`. */
export type GeminiSchemaType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'NULL';

/**
 * Gemini's `Schema`: a select subset of the OpenAPI 3.0 schema object, used both for function
 * `parameters` and for `generationConfig.responseSchema`.
 */
export interface GeminiSchema {
  type?: GeminiSchemaType;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  items?: GeminiSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: GeminiSchema[];
  propertyOrdering?: string[];
  default?: unknown;
  example?: unknown;
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** Absent for a function that takes no arguments. */
  parameters?: GeminiSchema;
}

export interface GeminiTool {
  functionDeclarations: GeminiFunctionDeclaration[];
}

export interface GeminiToolConfig {
  functionCallingConfig: {
    mode: 'AUTO' | 'ANY' | 'NONE';
    /** Only meaningful with mode `ANY`. */
    allowedFunctionNames?: string[];
  };
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
}

/** The request body of `generateContent` and `streamGenerateContent`. */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  /** Only text parts are used; Gemini takes no role here. */
  systemInstruction?: { parts: GeminiTextPart[] };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

/** The request body of `batchEmbedContents`; every entry names the model again, as `models/<id>`. */
export interface GeminiBatchEmbedContentsRequest {
  requests: Array<{
    model: string;
    content: { parts: GeminiTextPart[] };
    outputDimensionality?: number;
  }>;
}

// ---------------------------------------------------------------- response

export const geminiFunctionCallSchema = z.object({
  /** Present only on some models and API surfaces. */
  id: z.string().optional(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type GeminiFunctionCall = z.infer<typeof geminiFunctionCallSchema>;

/** A response part; parts Junction does not read (inline images, executable code, …) pass through as empty objects. */
const responsePartSchema = z.object({
  text: z.string().optional(),
  /** True on thought-summary parts of thinking models; they are not part of the answer. */
  thought: z.boolean().optional(),
  functionCall: geminiFunctionCallSchema.optional(),
  /** Opaque; on a step's first function call (Gemini 3 always), sometimes on text. */
  thoughtSignature: z.string().optional(),
});
export type GeminiResponsePart = z.infer<typeof responsePartSchema>;

const candidateSchema = z.object({
  /** Absent when the candidate was blocked before producing anything. */
  content: z
    .object({
      role: z.string().optional(),
      parts: z.array(responsePartSchema).optional(),
    })
    .optional(),
  /** Absent on every streamed chunk but the last. */
  finishReason: z.string().optional(),
  index: z.number().optional(),
});

/** `promptTokenCount` includes `cachedContentTokenCount`; `thoughtsTokenCount` is not part of `candidatesTokenCount`. */
export const geminiUsageMetadataSchema = z.object({
  promptTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
});
export type GeminiUsageMetadata = z.infer<typeof geminiUsageMetadataSchema>;

/** `generateContent`'s body, and also each chunk of `streamGenerateContent?alt=sse`. */
export const geminiGenerateContentResponseSchema = z.object({
  candidates: z.array(candidateSchema).optional(),
  /** Set (with no candidates) when the prompt itself was blocked. */
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: geminiUsageMetadataSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
  /** RFC 3339 time the request reached the server; Vertex AI sends it, the Gemini API does not. */
  createTime: z.string().optional(),
});
export type GeminiGenerateContentResponse = z.infer<typeof geminiGenerateContentResponseSchema>;

export const geminiBatchEmbedContentsResponseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});

// ---------------------------------------------------------------- errors

/** One entry of `google.rpc.Status.details`, told apart by its `@type`. */
const errorDetailSchema = z.looseObject({
  '@type': z.string().optional(),
  /** `google.rpc.RetryInfo`: a protobuf Duration in JSON form, e.g. `"30s"` or `"1.5s"`. */
  retryDelay: z.string().optional(),
  /** `google.rpc.ErrorInfo`. */
  reason: z.string().optional(),
});

/** The `google.rpc.Status` error body: `{ error: { code, message, status, details } }`. */
export const geminiErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    /** The canonical gRPC code name, e.g. `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`. */
    status: z.string().optional(),
    details: z.array(errorDetailSchema).optional(),
  }),
});
export type GeminiErrorBody = z.infer<typeof geminiErrorBodySchema>;
