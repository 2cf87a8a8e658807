/**
 * Real audio for the simulated speech endpoint: 24 kHz mono 16-bit PCM that any player opens,
 * as a WAV file or raw samples. Each character becomes one short segment: a vowel a voiced tone
 * with two formant-like overtones, a consonant a burst of deterministic noise over a low hum,
 * a space or punctuation a pause. The voice sets the pitch, the speed the length. Not speech,
 * but it has speech's shape (duration proportional to the text, pauses between words), and it
 * is the same bytes for the same request, so caching and decoding can be tested exactly.
 */

export const SPEECH_SAMPLE_RATE = 24_000;
/** One character's length at speed 1: about 15 characters a second, a brisk speaking rate. */
export const MS_PER_CHARACTER = 65;

const AMPLITUDE = 0.3 * 32_767;
/** Fade in and out of each segment, so segments join without clicks. */
const FADE_SAMPLES = 96;

/** Vowels' first two formants (Hz), roughly as spoken. */
const VOWEL_FORMANTS: Record<string, [number, number]> = {
  a: [730, 1090],
  e: [530, 1840],
  i: [270, 2290],
  o: [570, 840],
  u: [300, 870],
  y: [270, 2000],
};

/** Samples per character at `speed`. */
export function samplesPerCharacter(speed: number): number {
  return Math.round((SPEECH_SAMPLE_RATE * MS_PER_CHARACTER) / 1000 / speed);
}

/** The audio for `text` in `voice` at `speed`, as 16-bit samples. */
export function synthesiseSpeech(text: string, voice: string, speed = 1): Int16Array {
  const characters = [...text];
  const perCharacter = samplesPerCharacter(speed);
  const samples = new Int16Array(characters.length * perCharacter);
  const pitch = pitchOf(voice);
  let phase = 0;
  let noise = 0x9e3779b9 ^ hashText(voice);
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index]!.toLowerCase();
    const offset = index * perCharacter;
    // A gentle fall in pitch over the text, as a sentence's intonation falls.
    const f0 = pitch * (1.1 - (0.2 * index) / Math.max(1, characters.length));
    const kind = kindOf(character);
    if (kind === 'pause') continue;
    const [f1, f2] = kind === 'vowel' ? VOWEL_FORMANTS[baseVowel(character)]! : [350 + (character.codePointAt(0)! % 7) * 90, 1500 + (character.codePointAt(0)! % 5) * 200];
    for (let at = 0; at < perCharacter; at++) {
      phase += (2 * Math.PI * f0) / SPEECH_SAMPLE_RATE;
      let value = 0.55 * Math.sin(phase) + 0.25 * Math.sin((phase * f1) / f0) + 0.12 * Math.sin((phase * f2) / f0);
      if (kind === 'consonant') {
        noise = (Math.imul(noise, 1_664_525) + 1_013_904_223) >>> 0;
        value = 0.35 * value + 0.5 * (noise / 0xffffffff - 0.5);
      }
      samples[offset + at] = Math.round(value * AMPLITUDE * envelope(at, perCharacter));
    }
    if (phase > 2 * Math.PI * 1_000) phase %= 2 * Math.PI;
  }
  return samples;
}

/** A RIFF/WAVE file around 16-bit mono samples. */
export function encodeWav(samples: Int16Array, sampleRate = SPEECH_SAMPLE_RATE): Buffer {
  const data = pcmBytes(samples);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // bytes a second
  header.writeUInt16LE(2, 32); // bytes a frame
  header.writeUInt16LE(16, 34); // bits a sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Raw little-endian 16-bit samples, as OpenAI's `pcm` format sends them. */
export function pcmBytes(samples: Int16Array): Buffer {
  const bytes = Buffer.alloc(samples.length * 2);
  for (let index = 0; index < samples.length; index++) bytes.writeInt16LE(samples[index]!, index * 2);
  return bytes;
}

function kindOf(character: string): 'vowel' | 'consonant' | 'pause' {
  if (/\s|[.,;:!?¿¡…"'()\-–—]/u.test(character)) return 'pause';
  if (baseVowel(character) in VOWEL_FORMANTS) return 'vowel';
  return 'consonant';
}

/** `é` → `e`: accents do not change the formants enough to matter here. */
function baseVowel(character: string): string {
  return character.normalize('NFD').charAt(0);
}

function envelope(at: number, length: number): number {
  const fade = Math.min(FADE_SAMPLES, length >> 1);
  if (at < fade) return 0.5 - 0.5 * Math.cos((Math.PI * at) / fade);
  if (at >= length - fade) return 0.5 - 0.5 * Math.cos((Math.PI * (length - at)) / fade);
  return 1;
}

/** Each voice its own pitch, between 95 and 235 Hz. */
function pitchOf(voice: string): number {
  return 95 + (hashText(voice) % 141);
}

function hashText(text: string): number {
  let hash = 2_166_136_261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16_777_619) >>> 0;
  return hash;
}
