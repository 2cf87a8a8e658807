import type { ChatResponse, StreamEvent } from './types';

/** Replay a whole response as stream events (cached and static answers served to a streaming caller). */
export function responseToEvents(response: ChatResponse): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'start', id: response.id, model: response.model, created: response.created }];
  if (response.text) events.push({ type: 'text-delta', text: response.text });
  response.toolCalls.forEach((call, index) => {
    events.push({ type: 'tool-call-start', index, id: call.id, name: call.name });
    if (call.arguments) events.push({ type: 'tool-call-delta', index, argumentsDelta: call.arguments });
  });
  events.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage });
  return events;
}

/** Fold stream events back into a whole response (to keep a streamed answer for the stale cache). */
export class ResponseAssembler {
  private id = '';
  private model = '';
  private created = 0;
  private text = '';
  private readonly calls: ChatResponse['toolCalls'] = [];
  private done: ChatResponse | undefined;

  add(event: StreamEvent): void {
    switch (event.type) {
      case 'start':
        this.id = event.id;
        this.model = event.model;
        this.created = event.created;
        break;
      case 'text-delta':
        this.text += event.text;
        break;
      case 'tool-call-start':
        this.calls[event.index] = { id: event.id, name: event.name, arguments: '' };
        break;
      case 'tool-call-delta':
        if (this.calls[event.index]) this.calls[event.index].arguments += event.argumentsDelta;
        break;
      case 'finish':
        this.done = {
          id: this.id,
          model: this.model,
          created: this.created,
          text: this.text,
          toolCalls: this.calls.filter(Boolean),
          finishReason: event.finishReason,
          usage: event.usage ?? { inputTokens: 0, outputTokens: 0 },
        };
        break;
    }
  }

  /** Text so far (for resuming a cut stream). */
  get partialText(): string {
    return this.text;
  }

  /** True while a tool call is half streamed: such a stream cannot be resumed elsewhere. */
  get hasToolCalls(): boolean {
    return this.calls.length > 0;
  }

  /** The whole response once `finish` arrived. */
  get response(): ChatResponse | undefined {
    return this.done;
  }
}
