/**
 * `node --import tsx bench/token-count.ts`: CPU time of the exact token count on the inputs
 * that cost it most, at the sizes its limits allow (src/tokens/token-count.ts), next to ordinary
 * prose. The counts run synchronously on the event loop, so these are the longest stalls a
 * single prompt can cause. Median of five runs, after a warm-up.
 */
import { countTokens, EXACT_COUNT_LIMITS } from '../src/tokens/token-count';
import { vocabulary } from '../src/tokens/token-vocabulary';
import { pseudoRandom } from '../src/tokens/__fixtures__/pseudo-random-text';


const words = 'the quick brown fox jumps over a lazy dog while routing tokens through gateway models'.split(' ');
const prose = (chars: number): string => {
  let text = '';
  for (let index = 0; text.length < chars; index++) text += words[(index * 7919) % words.length] + (index % 13 === 12 ? '.\n' : ' ');
  return text.slice(0, chars);
};
const chineseSentence = '我们在这里说中文，路由的决定要用准确的数字。';

const inputs: Array<[string, string]> = [
  ['English prose, 1 M chars (scan limit)', prose(EXACT_COUNT_LIMITS.scan)],
  ['Chinese prose, 250 k chars (scan limit)', chineseSentence.repeat(Math.floor(EXACT_COUNT_LIMITS.scan / 4 / chineseSentence.length))],
  ['one letter, 300 k (long-merge limit)', 'a'.repeat(EXACT_COUNT_LIMITS.longMerge)],
  ['two letters at random, 300 k (long-merge limit)', pseudoRandom('ab', EXACT_COUNT_LIMITS.longMerge)],
  ['CJK run, 100 k chars (long-merge limit)', pseudoRandom('的一是不了人我在有他这中大来上国个到说们', EXACT_COUNT_LIMITS.longMerge / 3)],
  ['runs of 255 letters between spaces, 1 M chars', ('a'.repeat(255) + ' ').repeat(Math.floor(EXACT_COUNT_LIMITS.scan / 256))],
  ['CJK runs of 85 between spaces, 250 k chars', (pseudoRandom('的一是不了人我在有他这中大来上国个到说们', 85) + ' ').repeat(Math.floor(EXACT_COUNT_LIMITS.scan / 4 / 86))],
  ['combining marks, 250 k (scan limit)', '\u0301'.repeat(EXACT_COUNT_LIMITS.scan / 4)],
  ['one letter, 4 MB (bounded past the limits)', 'a'.repeat(4_000_000)],
];

const cpuMs = (run: () => void): number => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

console.log(`vocabulary built in ${cpuMs(() => vocabulary()).toFixed(0)} ms of CPU`);
for (const [name, text] of inputs) {
  let result = countTokens(text);
  const times = Array.from({ length: 5 }, () => cpuMs(() => (result = countTokens(text)))).sort((a, b) => a - b);
  console.log(`${name.padEnd(50)} ${times[2].toFixed(0).padStart(5)} ms   ${result.tokens} tokens${result.exact ? '' : ' (bound)'}`);
}
