/**
 * Same-format pass-through: the upstream's JSON answer goes to the caller as it came, except
 * that its top-level `model` names the caller's route rather than the upstream's model id, as
 * re-encoded answers do. A scan for that one key costs far less than parsing and serialising
 * the answer again.
 */
import { hasPrefix, stringValueSpan } from '../../wire/json-scan';

/**
 * `json` (a valid JSON object's text) with the string value of its top-level `"model"` key
 * replaced by `model`; `depth` 2 finds the key one object further in (Anthropic's
 * `message_start` event). Undefined when there is no such key with a string value.
 */
export function replaceModel(json: string, model: string, depth = 1): string | undefined {
  const span = stringValueSpan(json, 'model', depth);
  return span && json.slice(0, span.start) + JSON.stringify(model) + json.slice(span.end);
}

/**
 * `replaceModel` for a stream's chunks, which all begin alike (OpenAI repeats id, created and
 * model in every one): a chunk that begins with the same text as the last one, up to the end
 * of its model, gets the same renamed beginning without a scan. The scan reads nothing past
 * that point, so the result is the one it would give.
 */
export class StreamModelRenamer {
  private head = '';
  private renamedHead = '';

  constructor(private readonly model: string) {}

  rename(json: string): string | undefined {
    if (this.head !== '' && hasPrefix(json, this.head)) return this.renamedHead + json.slice(this.head.length);
    const span = stringValueSpan(json, 'model', 1);
    if (span === undefined) return undefined;
    this.head = json.slice(0, span.end);
    this.renamedHead = json.slice(0, span.start) + JSON.stringify(this.model);
    return this.renamedHead + json.slice(span.end);
  }
}
