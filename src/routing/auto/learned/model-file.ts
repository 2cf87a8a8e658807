import type { QualityWeights } from './model';

/**
 * The shipped model's file format: plain JSON for what a person may want to read (models,
 * abilities, aliases, dense weights, how it was trained) and base64 int16 for the hashed
 * weights, which are many and meaningless one by one. Quantising to 16 bits with one scale per
 * vector keeps the file small and exact to about 1/30,000 of the largest weight; a weight below
 * half a step rounds to 0, which is the "drop near-zero weights" of a sparse format for free.
 */
export const MODEL_FORMAT = 'junction-quality-model/1';

export interface QuantisedVector {
  scale: number;
  /** Int16 little-endian, base64. */
  data: string;
}

export interface ModelEntry {
  name: string;
  /** Other names of the same model in recorded data or in catalogues, matched case-insensitively. */
  aliases: string[];
  theta: number;
  affinity: number[];
  /** Slopes on the dense features, in `dense.names` order. */
  slopes: number[];
  /** Recorded outcomes it was trained on. */
  outcomes: number;
}

export interface QualityModelFile {
  format: typeof MODEL_FORMAT;
  version: string;
  trained: string;
  outcomes: number;
  buckets: number;
  dims: number;
  dense: { names: string[]; mean: number[]; std: number[] };
  models: ModelEntry[];
  /** The training prompts' mean interaction embedding: ability scales fold it into θ (see the predictor). */
  meanEmbedding: number[];
  difficulty: QuantisedVector;
  interaction: QuantisedVector[];
  /** Words (hashed into `bits` positions) seen in at least `minPrompts` training prompts, as a bitset (base64). */
  support: { minPrompts: number; bits: number; seen: string };
  /** How it was trained: options and cross-validation results, for the record. */
  training: Record<string, unknown>;
}

export function quantise(vector: Float64Array): QuantisedVector {
  let largest = 0;
  for (const value of vector) largest = Math.max(largest, Math.abs(value));
  const scale = largest === 0 ? 1 : largest / 32767;
  const ints = new Int16Array(vector.length);
  for (let index = 0; index < vector.length; index += 1) ints[index] = Math.round(vector[index] / scale);
  return { scale: Number(scale.toPrecision(8)), data: Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength).toString('base64') };
}

export function dequantise(vector: QuantisedVector, length: number): Float64Array {
  const bytes = Buffer.from(vector.data, 'base64');
  if (bytes.length !== length * 2) throw new Error(`quality model: a weight vector holds ${bytes.length / 2} values, expected ${length}`);
  const result = new Float64Array(length);
  for (let index = 0; index < length; index += 1) result[index] = bytes.readInt16LE(index * 2) * vector.scale;
  return result;
}

export function encodeBitset(bits: readonly boolean[]): string {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((bit, index) => {
    if (bit) bytes[index >> 3] |= 1 << (index & 7);
  });
  return bytes.toString('base64');
}

export function decodeBitset(data: string, length: number): Uint8Array {
  const bytes = Buffer.from(data, 'base64');
  const bits = new Uint8Array(length);
  for (let index = 0; index < length; index += 1) bits[index] = (bytes[index >> 3] >> (index & 7)) & 1;
  return bits;
}

const round = (value: number, digits = 6): number => Number(value.toFixed(digits));

/** The file for fitted weights; `describe` adds the names, aliases and record a person reads. */
export function toModelFile(
  weights: QualityWeights,
  describe: { meanEmbedding: readonly number[]; version: string; trained: string; denseNames: readonly string[]; aliases: Record<string, string[]>; outcomesPerModel: number[]; seen: readonly boolean[]; minPrompts: number; training: Record<string, unknown> },
): QualityModelFile {
  return {
    format: MODEL_FORMAT,
    version: describe.version,
    trained: describe.trained,
    outcomes: describe.outcomesPerModel.reduce((sum, count) => sum + count, 0),
    buckets: weights.buckets,
    dims: weights.dims,
    dense: { names: [...describe.denseNames], mean: [...weights.denseMean].map((value) => round(value)), std: [...weights.denseStd].map((value) => round(value)) },
    models: weights.models.map((name, m) => ({
      name,
      aliases: describe.aliases[name] ?? [],
      theta: round(weights.theta[m], 4),
      affinity: Array.from({ length: weights.dims }, (_, k) => round(weights.affinity[m * weights.dims + k], 4)),
      slopes: Array.from({ length: describe.denseNames.length }, (_, j) => round(weights.slopes[m * describe.denseNames.length + j], 4)),
      outcomes: describe.outcomesPerModel[m],
    })),
    meanEmbedding: describe.meanEmbedding.map((value) => round(value, 4)),
    difficulty: quantise(weights.difficulty),
    interaction: weights.interaction.map(quantise),
    support: { minPrompts: describe.minPrompts, bits: describe.seen.length, seen: encodeBitset(describe.seen) },
    training: describe.training,
  };
}

/** Weights from a file, checked against the featuriser's dense feature names. */
export function fromModelFile(file: QualityModelFile, denseNames: readonly string[]): QualityWeights {
  if (file.format !== MODEL_FORMAT) throw new Error(`quality model: format "${String(file.format)}", expected "${MODEL_FORMAT}"`);
  if (file.dense.names.join(',') !== denseNames.join(',')) throw new Error('quality model: its dense features differ from the featuriser; rebuild it (npm run train:routing)');
  const span = file.buckets + denseNames.length;
  return {
    buckets: file.buckets,
    dims: file.dims,
    denseMean: Float64Array.from(file.dense.mean),
    denseStd: Float64Array.from(file.dense.std),
    difficulty: dequantise(file.difficulty, span),
    interaction: file.interaction.map((vector) => dequantise(vector, span)),
    models: file.models.map((model) => model.name),
    theta: Float64Array.from(file.models.map((model) => model.theta)),
    affinity: Float64Array.from(file.models.flatMap((model) => model.affinity)),
    slopes: Float64Array.from(file.models.flatMap((model) => model.slopes)),
  };
}
