import type { ResponseFormat } from '../../canonical/types';

/**
 * The system instruction that stands in for a JSON response format.
 *
 * Anthropic's classic Messages API has no JSON mode and no `response_format`: the model can only
 * be asked. So for `json_object` and `json_schema` Junction appends this short instruction to
 * the system prompt (with the schema, when there is one). The answer is then JSON by the
 * model's compliance, not by constrained decoding, which is the best this API version offers.
 */
export function anthropicJsonInstruction(format: ResponseFormat | undefined): string | undefined {
  switch (format?.type) {
    case 'json_object':
      return 'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.';
    case 'json_schema':
      return [
        `Respond with a single valid JSON value and nothing else (no prose, no Markdown code fences). It must conform to this JSON Schema, named "${format.name}":`,
        JSON.stringify(format.schema),
      ].join('\n');
    default:
      return undefined;
  }
}
