/**
 * The semantic cache's two parts: the vector index (in this process) and the function that
 * embeds a question through a configured embeddings route (in process, through the pipeline,
 * so the embedding is routed, retried and in the ledger like any request).
 */
import type { Exchange } from '../gateway/context';
import type { SemanticIndex } from './semantic-index';
import type { SemanticPolicy } from './types';

export interface SemanticCache {
  index: SemanticIndex;
  /** The question's vector, or undefined when it could not be embedded (the lookup is then a miss). */
  embed(question: string, policy: SemanticPolicy, exchange: Exchange): Promise<number[] | undefined>;
}
