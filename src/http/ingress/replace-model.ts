/**
 * Same-format pass-through: the upstream's JSON answer goes to the caller as it came, except
 * that its top-level `model` names the caller's route rather than the upstream's model id, as
 * re-encoded answers do. A scan for that one key costs far less than parsing and serialising
 * the answer again.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * `json` (a valid JSON object's text) with the string value of its top-level `"model"` key
 * replaced by `model`; `depth` 2 finds the key one object further in (Anthropic's
 * `message_start` event). Undefined when there is no such key with a string value.
 */
export function replaceModel(json: string, model: string, depth = 1): string | undefined {
  let level = 0;
  for (let index = 0; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    if (code === QUOTE) {
      const end = stringEnd(json, index);
      if (end < 0) return undefined;
      if (level === depth && end - index === 6 && json.startsWith('model', index + 1)) {
        let at = skipSpace(json, end + 1);
        // A key is followed by a colon; the same text as a value is not.
        if (json.charCodeAt(at) === COLON) {
          at = skipSpace(json, at + 1);
          if (json.charCodeAt(at) !== QUOTE) return undefined;
          const valueEnd = stringEnd(json, at);
          if (valueEnd < 0) return undefined;
          return json.slice(0, at) + JSON.stringify(model) + json.slice(valueEnd + 1);
        }
      }
      index = end;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      level += 1;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      level -= 1;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(json: string, start: number): number {
  for (let index = start + 1; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    if (code === BACKSLASH) index += 1;
    else if (code === QUOTE) return index;
  }
  return -1;
}

function skipSpace(json: string, from: number): number {
  let index = from;
  while (index < json.length) {
    const code = json.charCodeAt(index);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    index += 1;
  }
  return index;
}
