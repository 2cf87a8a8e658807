import { hashString } from './reply';
import { seededRandom } from '../resilience/random';

/** Default vector length when the caller asks for none: small, since nothing reads the values. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * A deterministic unit vector for an input: the same text always embeds to the same values,
 * different texts (almost always) to different ones. Values are float32-exact, so the JSON
 * floats and the base64 float32 encoding carry the same numbers.
 */
export function embedVector(text: string, dimensions: number): number[] {
  const random = seededRandom(hashString(text));
  const values = new Array<number>(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random() * 2 - 1;
    values[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < dimensions; index++) values[index] = Math.fround(values[index] * scale);
  return values;
}

/** OpenAI's `encoding_format: "base64"`: little-endian float32 bytes, base64-encoded. */
export function toBase64Float32(values: number[]): string {
  const buffer = Buffer.allocUnsafe(values.length * 4);
  for (let index = 0; index < values.length; index++) buffer.writeFloatLE(values[index], index * 4);
  return buffer.toString('base64');
}
