/**
 * The semantic cache's in-process vector index: hnswlib's HNSW graph (cosine space) over the
 * embedded last user message of each cached answer, each vector labelled with its partition
 * (the conversation before the question and the parameters, see cache-key.ts) and the exact
 * key its answer is stored under. A search only considers vectors of the query's partition
 * that have not expired. Bounded: at capacity the oldest vector's slot is reused.
 */
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

interface Label {
  partition: string;
  key: string;
  expiresAt: number;
}

export interface SemanticMatch {
  key: string;
  /** Cosine similarity to the query, in [-1, 1]. */
  similarity: number;
}

/** Neighbours examined per search: the partition filter runs inside the graph walk, so a few suffice. */
const NEIGHBOURS = 4;
const INITIAL_CAPACITY = 1_024;

export class SemanticIndex {
  private index: InstanceType<typeof HierarchicalNSW> | undefined;
  private dimensions = 0;
  private capacity = 0;
  private nextLabel = 0;
  /** Live labels, oldest first (a Map keeps insertion order). */
  private readonly labels = new Map<number, Label>();
  private readonly free: number[] = [];

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.labels.size;
  }

  /** Adds `vector` for the answer under `key`. A vector of another length than the first one's is refused (the embedding route changed). */
  add(partition: string, vector: number[], key: string, expiresAt: number): boolean {
    const index = this.indexFor(vector.length);
    if (index === undefined) return false;
    this.dropExpired();
    let label = this.free.pop();
    if (label === undefined && this.labels.size >= this.maxEntries) label = this.evictOldest();
    if (label === undefined) {
      label = this.nextLabel++;
      if (label >= this.capacity) {
        this.capacity = Math.min(this.maxEntries, this.capacity * 2);
        index.resizeIndex(this.capacity);
      }
      index.addPoint(vector, label);
    } else {
      index.addPoint(vector, label, true);
    }
    this.labels.set(label, { partition, key, expiresAt });
    return true;
  }

  /** The closest live vector of `partition`, if any reaches `threshold`. */
  nearest(partition: string, vector: number[], threshold: number): SemanticMatch | undefined {
    if (this.index === undefined || vector.length !== this.dimensions || this.labels.size === 0) return undefined;
    const now = this.now();
    const { neighbors, distances } = this.index.searchKnn(vector, Math.min(NEIGHBOURS, this.labels.size), (label) => {
      const meta = this.labels.get(label);
      return meta !== undefined && meta.partition === partition && meta.expiresAt > now;
    });
    if (neighbors.length === 0) return undefined;
    // Cosine space: distance = 1 − similarity; results come nearest first.
    const similarity = 1 - distances[0]!;
    if (similarity < threshold) return undefined;
    return { key: this.labels.get(neighbors[0]!)!.key, similarity };
  }

  clear(): void {
    this.index = undefined;
    this.labels.clear();
    this.free.length = 0;
    this.nextLabel = 0;
    this.capacity = 0;
    this.dimensions = 0;
  }

  private indexFor(dimensions: number): InstanceType<typeof HierarchicalNSW> | undefined {
    if (this.index !== undefined) return dimensions === this.dimensions ? this.index : undefined;
    this.dimensions = dimensions;
    this.capacity = Math.min(INITIAL_CAPACITY, this.maxEntries);
    this.index = new HierarchicalNSW('cosine', dimensions);
    // A fixed seed: the graph, and so a search's result, is the same on every run.
    this.index.initIndex(this.capacity, 16, 200, 100, true);
    return this.index;
  }

  private evictOldest(): number | undefined {
    const oldest = this.labels.keys().next();
    if (oldest.done) return undefined;
    this.remove(oldest.value);
    return this.free.pop();
  }

  /** Expired vectors at the old end give back their slots; the walk stops at the first live one. */
  private dropExpired(): void {
    const now = this.now();
    for (const [label, meta] of this.labels) {
      if (meta.expiresAt > now) break;
      this.remove(label);
    }
  }

  private remove(label: number): void {
    this.labels.delete(label);
    this.index!.markDelete(label);
    this.free.push(label);
  }
}
