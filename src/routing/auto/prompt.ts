/**
 * The prompt as the auto strategy reads it: the user's turns joined, scored for complexity and
 * analysed by the learned model at most once per request, however many tiers are planned (and
 * not at all for routes with other strategies: nothing here runs until asked).
 */
import type { ChatRequest } from '../../canonical/types';
import { scoreComplexity, type ComplexityResult } from './complexity';
import type { PredictorPrompt, QualityPredictor } from './predictor';

export class AutoPrompt {
  #text: string | undefined;
  #complexity: ComplexityResult | undefined;
  #learned: PredictorPrompt | undefined;
  #learnedBy: QualityPredictor | undefined;

  constructor(private readonly request: Pick<ChatRequest, 'messages'>) {}

  /** The user turns, joined: what the caller asks, without the system prompt's boilerplate. */
  get text(): string {
    if (this.#text === undefined) {
      const pieces: string[] = [];
      for (const message of this.request.messages) {
        if (message.role !== 'user') continue;
        for (const part of message.content) if (part.type === 'text') pieces.push(part.text);
      }
      this.#text = pieces.join('\n');
    }
    return this.#text;
  }

  /** Conversation turns, counting the user's and the assistant's. */
  get messages(): number {
    let turns = 0;
    for (const message of this.request.messages) if (message.role === 'user' || message.role === 'assistant') turns += 1;
    return Math.max(1, turns);
  }

  complexity(): ComplexityResult {
    return (this.#complexity ??= scoreComplexity({ text: this.text, messages: this.messages }));
  }

  learned(predictor: QualityPredictor): PredictorPrompt {
    if (this.#learned === undefined || this.#learnedBy !== predictor) {
      this.#learned = predictor.analyse(this.text, this.messages, this.complexity());
      this.#learnedBy = predictor;
    }
    return this.#learned;
  }
}
