/**
 * Text the caller chose (a model name, a tool name) as Junction repeats it in error messages,
 * log lines and the ledger. A caller can send a megabyte, control characters (CR, LF, NUL) or
 * half of a surrogate pair where a short name belongs; repeated as it came, that would bloat
 * every line that names it, split log lines, or break whatever reads them. Route and deployment
 * names from the config pass unchanged: the config allows only what this keeps.
 */

/** The longest caller text repeated as it is; longer text is cut there and marked with '…'. */
export const MAX_ECHOED_LENGTH = 128;

/**
 * `text` unchanged when it is at most {@link MAX_ECHOED_LENGTH} printable ASCII characters (the
 * common case, which allocates nothing); otherwise every other character written as a `\uXXXX`
 * escape and the result cut at that length, ending with '…'.
 */
export function echoText(text: string, maxLength = MAX_ECHOED_LENGTH): string {
  if (text.length <= maxLength && isPrintableAscii(text)) return text;
  let echoed = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const piece = isPrintable(code) ? text[index] : `\\u${code.toString(16).padStart(4, '0')}`;
    if (echoed.length + piece.length > maxLength) return `${echoed}…`;
    echoed += piece;
  }
  return echoed;
}

/** Whether every character of `text` is printable ASCII (space to tilde). */
export function isPrintableAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    if (!isPrintable(text.charCodeAt(index))) return false;
  }
  return true;
}

function isPrintable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}
