/** A deterministic string of `length` characters drawn from `alphabet`: the same worst inputs for the token-count tests and its benchmark. */
export function pseudoRandom(alphabet: string, length: number): string {
  const characters = [...alphabet];
  let state = 7;
  let result = '';
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    result += characters[state % characters.length];
  }
  return result;
}
