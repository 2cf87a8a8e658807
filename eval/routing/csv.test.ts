import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    const text = 'prompt,a,b\n"line one\nline ""two"", end",True,False\r\nplain,1,\n';
    expect(parseCsv(text)).toEqual([
      { prompt: 'line one\nline "two", end', a: 'True', b: 'False' },
      { prompt: 'plain', a: '1', b: '' },
    ]);
  });

  it('reads a last row without a newline, and nothing from an empty text', () => {
    expect(parseCsv('x,y\n1,2')).toEqual([{ x: '1', y: '2' }]);
    expect(parseCsv('')).toEqual([]);
  });
});
