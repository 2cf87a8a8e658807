import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { MS_PER_CHARACTER, SPEECH_SAMPLE_RATE, synthesiseSpeech } from './speech-audio';
import { postJson } from './test-helpers';
import { decodeWav as decode } from '../../test/support/speech';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ models: { 'tts-1': { latencyMs: { p50: 1, p99: 2 } }, 'tts-down': { down: true } } });
});
afterAll(() => sim.close());

describe('simulated POST /v1/audio/speech', () => {
  it('answers a WAV file a decoder reads: 24 kHz mono 16-bit, as long as the text', async () => {
    const input = 'Hello there, how are you today?';
    const response = await postJson(`${sim.url}/v1/audio/speech`, { model: 'tts-1', input, voice: 'alloy', response_format: 'wav' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const audio = decode(await response.arrayBuffer());
    expect(audio).toMatchObject({ sampleRate: SPEECH_SAMPLE_RATE, channels: 1, bits: 16 });
    expect(audio.samples.length / audio.sampleRate).toBeCloseTo((input.length * MS_PER_CHARACTER) / 1000, 2);
    // Sound, not silence: the loudest sample is well above the noise floor.
    expect(Math.max(...audio.samples.map(Math.abs))).toBeGreaterThan(3_000);
  });

  it('speed shortens the audio; pcm is the raw samples of the same sound', async () => {
    const body = { model: 'tts-1', input: 'Quick test', voice: 'nova', speed: 2 };
    const wav = decode(await (await postJson(`${sim.url}/v1/audio/speech`, { ...body, response_format: 'wav' })).arrayBuffer());
    const pcm = Buffer.from(await (await postJson(`${sim.url}/v1/audio/speech`, { ...body, response_format: 'pcm' })).arrayBuffer());
    expect(wav.samples.length / wav.sampleRate).toBeCloseTo((10 * MS_PER_CHARACTER) / 2 / 1000, 2);
    expect(pcm.length).toBe(wav.samples.length * 2);
    expect(pcm.readInt16LE(400)).toBe(wav.samples[200]);
    expect(Array.from(synthesiseSpeech('Quick test', 'nova', 2).slice(0, 50))).toEqual(Array.from(wav.samples.slice(0, 50)));
  });

  it('refuses compressed formats naming the two it produces, and fails as configured', async () => {
    const mp3 = await postJson(`${sim.url}/v1/audio/speech`, { model: 'tts-1', input: 'hi', voice: 'alloy' });
    expect(mp3.status).toBe(400);
    expect(((await mp3.json()) as { error: { message: string } }).error.message).toContain('wav and pcm');
    const down = await postJson(`${sim.url}/v1/audio/speech`, { model: 'tts-down', input: 'hi', voice: 'alloy', response_format: 'wav' });
    expect(down.status).toBe(503);
  });

  it('gives each voice its own pitch', () => {
    expect(Array.from(synthesiseSpeech('aaaa', 'alloy').slice(200, 260))).not.toEqual(Array.from(synthesiseSpeech('aaaa', 'echo').slice(200, 260)));
  });
});
