import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectLanguage, primaryLanguage } from './speech-language';

describe('detectLanguage', () => {
  it.each([
    ['The meeting is at three and we will call you.', 'en', 'words'],
    ['Bonjour, votre commande est prête et nous vous remercions.', 'fr', 'words'],
    ['Hola, gracias por su llamada, su pedido está en camino.', 'es', 'words'],
    ['Guten Tag, wie geht es Ihnen? Ich bin nicht zu Hause.', 'de', 'words'],
    ['Ciao, grazie per la chiamata, questo è molto importante.', 'it', 'words'],
    ['Olá, obrigado pela ligação, você não está sozinho.', 'pt', 'words'],
    ['Het pakket is onderweg, dank voor uw geduld.', 'nl', 'words'],
    ['こんにちは、お元気ですか', 'ja', 'script'],
    ['你好，欢迎光临', 'zh', 'script'],
    ['안녕하세요', 'ko', 'script'],
    ['Здравствуйте, как дела?', 'ru', 'script'],
    ['Привіт, як справи? Їжак', 'uk', 'script'],
    ['Καλημέρα σας', 'el', 'script'],
    ['مرحبا بكم', 'ar', 'script'],
    ['नमस्ते', 'hi', 'script'],
  ])('%s → %s', (text, language, by) => {
    expect(detectLanguage(text)).toEqual({ language, by });
  });

  it('gives no guess for text without telling words', () => {
    expect(detectLanguage('Order 4711 OK')).toBeUndefined();
    expect(detectLanguage('')).toBeUndefined();
  });

  it('never throws and answers a two- or three-letter code or nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (text) => {
        const detected = detectLanguage(text);
        return detected === undefined || /^[a-z]{2,3}$/.test(detected.language);
      }),
    );
  });
});

describe('primaryLanguage', () => {
  it.each([
    ['en-GB', 'en'],
    ['PT-br', 'pt'],
    ['fr', 'fr'],
  ])('%s → %s', (code, expected) => expect(primaryLanguage(code)).toBe(expected));
});
