/** Speech test helpers: a speech deployment in config form, and a real WAV decoder's reading of audio. */
import { WaveFile } from 'wavefile';

/** A speech deployment on the simulated OpenAI provider, producing wav and pcm. */
export function speechDeployment(model: string, pricePerMillionCharacters: number, profile: Record<string, unknown>) {
  return {
    provider: 'sim-openai',
    model,
    pricing: { input: pricePerMillionCharacters, output: 0 },
    contextWindow: 4_096,
    capabilities: ['speech'],
    speech: { formats: ['wav', 'pcm'], ...profile },
  };
}

/** What a WAV decoder reads from `bytes`: its format, its samples and their length in seconds. */
export function decodeWav(bytes: ArrayBuffer | Uint8Array) {
  const wav = new WaveFile(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  const samples = wav.getSamples() as Float64Array;
  return { sampleRate: fmt.sampleRate, channels: fmt.numChannels, bits: fmt.bitsPerSample, seconds: samples.length / fmt.sampleRate, samples };
}
