import { describe, expect, it } from 'vitest';
import { convertToOpenAISpeechBody } from './convert-to-openai-speech-body';

describe('convertToOpenAISpeechBody', () => {
  it('names the upstream model and the planned voice, and always the format', () => {
    expect(convertToOpenAISpeechBody({ model: 'tts', input: 'Hello', voice: 'nova' }, 'tts-1-hd', 'shimmer', 'wav')).toEqual({
      model: 'tts-1-hd',
      input: 'Hello',
      voice: 'shimmer',
      response_format: 'wav',
    });
  });

  it('passes speed (unless 1) and instructions through', () => {
    expect(convertToOpenAISpeechBody({ model: 'tts', input: 'Hi', voice: 'alloy', speed: 1 }, 'm', 'alloy', 'pcm')).not.toHaveProperty('speed');
    expect(convertToOpenAISpeechBody({ model: 'tts', input: 'Hi', voice: 'alloy', speed: 1.5, instructions: 'Cheerful.' }, 'm', 'alloy', 'pcm')).toMatchObject({ speed: 1.5, instructions: 'Cheerful.' });
  });
});
