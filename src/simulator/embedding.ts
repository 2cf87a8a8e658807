import { hashString } from './reply';
import { seededRandom } from '../resilience/random';

/** Default vector length when the caller asks for none: small, since nothing reads the values. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * A deterministic unit vector for an input, built like a bag-of-words model: each word and each
 * character trigram adds a signed unit to a hashed dimension. The same text always embeds to the
 * same values; texts that share most of their words are close (cosine near 1), as a real
 * embedding model places paraphrases, and texts that share few are far apart. That is what the
 * semantic cache's tests need from a fake. A text without words gets a seeded random vector.
 * Values are float32-exact, so the JSON floats and the base64 float32 encoding carry the same numbers.
 */
export function embedVector(text: string, dimensions: number): number[] {
  const values = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const add = (feature: string, weight: number) => {
    const hash = hashString(feature) >>> 0;
    values[hash % dimensions] += hash & 0x8000_0000 ? -weight : weight;
  };
  for (const word of words) {
    add(`w:${word}`, 1);
    const padded = ` ${word} `;
    for (let index = 0; index + 3 <= padded.length; index++) add(`t:${padded.slice(index, index + 3)}`, 0.25);
  }
  let norm = 0;
  for (const value of values) norm += value * value;
  if (norm === 0) return randomVector(text, dimensions);
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++) values[index] = Math.fround(values[index]! * scale);
  return values;
}

function randomVector(text: string, dimensions: number): number[] {
  const random = seededRandom(hashString(text));
  const values = new Array<number>(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random() * 2 - 1;
    values[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < dimensions; index++) values[index] = Math.fround(values[index]! * scale);
  return values;
}

/** OpenAI's `encoding_format: "base64"`: little-endian float32 bytes, base64-encoded. */
export function toBase64Float32(values: number[]): string {
  const buffer = Buffer.allocUnsafe(values.length * 4);
  for (let index = 0; index < values.length; index++) buffer.writeFloatLE(values[index], index * 4);
  return buffer.toString('base64');
}
